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
    private final boolean digitsInPresence;

    public ExampleEncoder(LlavaTokenizer tokenizer, ImagePreprocessor preprocessor, long eosId, int patchSize) {
        this(tokenizer, preprocessor, eosId, patchSize, false, false);
    }

    /**
     * With {@code digitsInPresence} the [CLS] target also names the corner digits ({@link Scene#presence(boolean)});
     * with {@code patchSides} the patch labels also say which half a shape is in ({@link PatchLabeller}).
     */
    public ExampleEncoder(LlavaTokenizer tokenizer, ImagePreprocessor preprocessor, long eosId, int patchSize,
            boolean digitsInPresence, boolean patchSides) {
        this.digitsInPresence = digitsInPresence;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.eosId = eosId;
        this.labeller = new PatchLabeller(patchSize, patchSides);
    }

    /** A question with its single-word answer, each answer token weighted 1. */
    public TrainingExample encode(VisualQuestion question) {
        return encode(question.scenes(), question.question(), question.answer(), 1f);
    }

    /** Any instruction about the scenes with its expected reply, each reply token weighted {@code answerWeight}. */
    public TrainingExample encode(List<Scene> scenes, String instruction, String reply, float answerWeight) {
        String prompt = LlavaPrompt.forImages(scenes.size(), instruction);
        long[] promptIds = tokenizer.encode(prompt);
        long[] withAnswer = tokenizer.encode(prompt + " " + reply);
        // The answer must tokenize on its own, so the prompt the model is trained on is the one it is served.
        if (withAnswer.length <= promptIds.length
                || !Arrays.equals(Arrays.copyOf(withAnswer, promptIds.length), promptIds)) {
            throw new IllegalStateException("answer '" + reply + "' merges with the prompt's last token");
        }
        long[] ids = Arrays.copyOf(withAnswer, withAnswer.length + 1);
        ids[withAnswer.length] = eosId;
        List<PixelValues> pixels = new ArrayList<>();
        List<float[]> presence = new ArrayList<>();
        List<int[]> patches = new ArrayList<>();
        for (Scene scene : scenes) {
            BufferedImage image = SceneRenderer.render(scene);
            pixels.add(preprocessor.preprocess(image));
            presence.add(scene.presence(digitsInPresence));
            patches.add(labeller.labels(scene, image));
        }
        return new TrainingExample(ids, promptIds.length, pixels, presence, patches, answerWeight);
    }
}
