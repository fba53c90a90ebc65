package dev.vscan.model;

import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.DecoderSide;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.generation.VisualEncoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.qwen.QwenImagePreprocessor;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.text.PromptFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2.5-VL questions and images in, answers out: the checkpoint's chat template (its default system
 * message included), its tokenizer with {@code <|image_pad|>} as the image placeholder, the
 * processor's dynamic resolution, and the batched generator on the shared running batch.
 */
public final class QwenPipeline implements AutoCloseable {

    /** The placeholder Qwen's template writes for an image, expanded by the engine to its merged tokens. */
    public static final String IMAGE_PAD = "<|image_pad|>";

    private final QwenVlModel model;
    private final LlavaTokenizer tokenizer;
    private final QwenImagePreprocessor images;
    private final PromptFormat template;
    private final VisualEncoder encoder;
    private final Generator generator;

    private QwenPipeline(QwenVlModel model, LlavaTokenizer tokenizer, QwenImagePreprocessor images,
            PromptFormat template) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.images = images;
        this.template = template;
        this.encoder = VisualEncoder.qwen(model);
        this.generator = new Generator(DecoderSide.of(model), encoder);
    }

    public static QwenPipeline load(Path dir, EngineOptions options, ImageLimits limits) {
        QwenVlModel model = QwenVlModel.load(dir, options);
        try {
            LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, IMAGE_PAD, model.languageConfig().imageTokenId());
            return new QwenPipeline(model, tokenizer, new QwenImagePreprocessor(QwenConfigReader.preprocessor(dir),
                    limits), PromptFormat.forCheckpoint(dir, "qwen2"));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public QwenVlModel model() {
        return model;
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    public QwenImagePreprocessor images() {
        return images;
    }

    public PromptFormat template() {
        return template;
    }

    public Generator generator() {
        return generator;
    }

    public RunningBatch newRunningBatch() {
        return new RunningBatch(DecoderSide.of(model), encoder);
    }

    /** One user turn: the images, then the question. */
    public GenerationRequest request(String question, List<QwenImage> pixels, SamplingParams sampling,
            ScoredTokenReducer reducer, SequencePruner pruner) {
        String prompt = template.render(List.of(ChatMessage.user(pixels.size(), question)));
        long[] ids = tokenizer.encode(prompt, template.addSpecialTokens(prompt));
        return GenerationRequest.scored(ids, pixels, sampling, reducer, pruner);
    }

    public List<LlavaPipeline.Answer> answer(List<GenerationRequest> requests, TokenListener listener) {
        List<GenerationOutput> outputs = generator.generate(requests, listener);
        List<LlavaPipeline.Answer> answers = new ArrayList<>();
        for (GenerationOutput output : outputs) {
            answers.add(new LlavaPipeline.Answer(tokenizer.decode(output.tokens()), output));
        }
        return answers;
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
