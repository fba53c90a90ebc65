package dev.vscan.training;

import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.text.LlavaPrompt;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.synth.Scene;
import dev.vscan.synth.SceneRenderer;
import dev.vscan.synth.VisualQuestion;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a synthetic question into token ids and pixels exactly as serving will see them: the LLaVA-1.5
 * template, the checkpoint's tokenizer and its image preprocessor, with {@code " answer</s>"} appended.
 */
public final class ExampleEncoder {

    private final LlavaTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final long eosId;
    private final PatchLabeller labeller;

    public ExampleEncoder(LlavaTokenizer tokenizer, ImagePreprocessor preprocessor, long eosId, int patchSize) {
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.eosId = eosId;
        this.labeller = new PatchLabeller(patchSize);
    }

    public TrainingExample encode(VisualQuestion question) {
        String prompt = LlavaPrompt.forImages(question.scenes().size(), question.question());
        long[] promptIds = tokenizer.encode(prompt);
        long[] withAnswer = tokenizer.encode(prompt + " " + question.answer());
        // The answer must tokenize on its own, so the prompt the model is trained on is the one it is served.
        if (withAnswer.length <= promptIds.length
                || !Arrays.equals(Arrays.copyOf(withAnswer, promptIds.length), promptIds)) {
            throw new IllegalStateException("answer '" + question.answer() + "' merges with the prompt's last token");
        }
        long[] ids = Arrays.copyOf(withAnswer, withAnswer.length + 1);
        ids[withAnswer.length] = eosId;
        List<PixelValues> pixels = new ArrayList<>();
        List<float[]> presence = new ArrayList<>();
        List<int[]> patches = new ArrayList<>();
        for (Scene scene : question.scenes()) {
            BufferedImage image = SceneRenderer.render(scene);
            pixels.add(preprocessor.preprocess(image));
            presence.add(scene.presence());
            patches.add(labeller.labels(scene, image));
        }
        return new TrainingExample(ids, promptIds.length, pixels, presence, patches);
    }
}
