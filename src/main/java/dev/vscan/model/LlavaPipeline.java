package dev.vscan.model;

import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.PreprocessorConfig;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.generation.VisualEncoder;
import dev.vscan.model.image.AnyResPreprocessor;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreparer;
import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.image.ImageProcessingSpec;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.text.PromptFormat;
import dev.vscan.model.text.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Questions and encoded images in, answers out: the checkpoint's prompt format, its tokenizer
 * and image processing around the batched {@link Generator}. The family follows config.json's
 * {@code model_type}: {@code llava} (LLaVA-1.5, one crop per image) or {@code llava_next} (AnyRes crops,
 * packed with unpad and newlines).
 */
public final class LlavaPipeline implements AutoCloseable {

    private static final String LLAVA_NEXT = "llava_next";

    private final LlavaModel model;
    private final LlavaTokenizer tokenizer;
    private final ImagePreparer images;
    private final ImagePreprocessor preprocessor;
    private final VisualEncoder encoder;
    private final PromptFormat template;
    private final Generator generator;

    /** A LLaVA-1.5 pipeline with the vicuna prompt. */
    public LlavaPipeline(LlavaModel model, LlavaTokenizer tokenizer, ImagePreprocessor preprocessor) {
        this(model, tokenizer, preprocessor, preprocessor, VisualEncoder.llava(model), PromptTemplate.VICUNA);
    }

    private LlavaPipeline(LlavaModel model, LlavaTokenizer tokenizer, ImagePreparer images,
            ImagePreprocessor preprocessor, VisualEncoder encoder, PromptFormat template) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.images = images;
        this.preprocessor = preprocessor;
        this.encoder = encoder;
        this.template = template;
        this.generator = new Generator(model, encoder);
    }

    /** Loads model, tokenizer.json and preprocessor_config.json from one checkpoint directory. */
    public static LlavaPipeline load(Path dir, EngineOptions options, ImageLimits limits) {
        if (LLAVA_NEXT.equals(ConfigLoader.modelType(dir))) {
            return loadNext(dir, options, limits);
        }
        LlavaModel model = LlavaModel.load(dir, options);
        try {
            LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, model.config().imageTokenIndex());
            ImagePreprocessor preprocessor = new ImagePreprocessor(imageSpec(dir), limits);
            return new LlavaPipeline(model, tokenizer, preprocessor, preprocessor, VisualEncoder.llava(model),
                    promptFormat(dir));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static LlavaPipeline loadNext(Path dir, EngineOptions options, ImageLimits limits) {
        LlavaNextModel next = LlavaNextModel.load(dir, options);
        try {
            LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, next.config().base().imageTokenIndex());
            AnyResPreprocessor anyRes = new AnyResPreprocessor(imageSpec(dir), next.config().pinpoints(), limits);
            return new LlavaPipeline(next.llava(), tokenizer, anyRes, null, VisualEncoder.next(next),
                    promptFormat(dir));
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    /** The checkpoint's own chat template, else the built-in prompt of its text model. */
    public static PromptFormat promptFormat(Path dir) {
        return PromptFormat.forCheckpoint(dir, ConfigLoader.textModelType(dir));
    }

    /** The image processing a checkpoint asks for in its preprocessor_config.json. */
    public static ImageProcessingSpec imageSpec(Path dir) {
        PreprocessorConfig p = ConfigLoader.loadPreprocessor(dir);
        return new ImageProcessingSpec(p.shortestEdge(), p.cropHeight(), p.cropWidth(), p.doResize(),
                p.doCenterCrop(), p.doRescale(), p.rescaleFactor(), p.doNormalize(), p.imageMean(), p.imageStd(),
                p.doConvertRgb());
    }

    public LlavaModel model() {
        return model;
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * How a conversation becomes the prompt: the checkpoint's chat template, else vicuna's or Mistral's
     * prompt after its text model.
     */
    public PromptFormat template() {
        return template;
    }

    /** True for LLaVA-NeXT: images are AnyRes crops and stage 1 works per crop. */
    public boolean anyRes() {
        return preprocessor == null;
    }

    /** How this model's family prepares an image (one crop, or AnyRes crops). */
    public ImagePreparer images() {
        return images;
    }

    /** LLaVA-1.5's single-crop preprocessing, for the callers that need its pixel values. */
    public ImagePreprocessor preprocessor() {
        if (preprocessor == null) {
            throw new IllegalStateException("this model (LLaVA-NeXT) prepares AnyRes crops; use images()");
        }
        return preprocessor;
    }

    public Generator generator() {
        return generator;
    }

    /** An empty running batch on this model, for a worker that admits requests between decode steps. */
    public RunningBatch newRunningBatch() {
        return new RunningBatch(model, encoder);
    }

    /** Builds a request from a question and encoded images: one user turn, the images before the question. */
    public GenerationRequest request(String question, List<byte[]> images, SamplingParams sampling,
            VisualTokenReducer reducer, SequencePruner pruner) {
        List<ModelImage> prepared = new ArrayList<>();
        for (byte[] image : images) {
            prepared.add(this.images.prepare(image));
        }
        return requestForPixels(question, prepared, sampling, reducer, pruner);
    }

    /**
     * Builds a request from images already run through {@link #preprocessor()}: for callers that want
     * to report which of their images was refused.
     */
    public GenerationRequest requestForPixels(String question, List<? extends ModelImage> pixels,
            SamplingParams sampling, VisualTokenReducer reducer, SequencePruner pruner) {
        return requestForPixels(question, pixels, sampling, reducer, pruner, VisualPositions.REFERENCE);
    }

    /** As above, with stage 1's kept tokens placed as {@code positions} says. */
    public GenerationRequest requestForPixels(String question, List<? extends ModelImage> pixels,
            SamplingParams sampling, VisualTokenReducer reducer, SequencePruner pruner, VisualPositions positions) {
        String prompt = template.forImages(pixels.size(), question);
        long[] ids = tokenizer.encode(prompt, template.addSpecialTokens(prompt));
        return new GenerationRequest(ids, pixels, sampling, reducer, pruner, positions);
    }

    /** An answer: its text and everything measured while producing it. */
    public record Answer(String text, GenerationOutput output) {}

    public List<Answer> answer(List<GenerationRequest> requests, TokenListener listener) {
        List<GenerationOutput> outputs = generator.generate(requests, listener);
        List<Answer> answers = new ArrayList<>();
        for (GenerationOutput output : outputs) {
            answers.add(new Answer(tokenizer.decode(output.tokens()), output));
        }
        return answers;
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
