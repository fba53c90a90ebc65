package dev.vscan.core;

import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenLanguageConfig;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.AnyResPreprocessor;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreparer;
import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.qwen.QwenImagePreprocessor;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.ChatTemplateException;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.text.PromptFormat;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionPlan;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed request and its fetched image bytes into an engine request: the prompt (the checkpoint's
 * chat template or built-in prompt),
 * tokens, preprocessed pixels, sampling and the reduction plan. Everything a request can get wrong
 * surfaces here as an {@link InvalidRequestException}, before the request takes a place in a batch.
 */
public final class RequestPreparer implements AutoCloseable {

    private static final String LLAVA_NEXT = "llava_next";

    /**
     * The engine request and what scheduling needs to know about it: its visual tokens after the
     * planned stage 1, and the KV cache it will hold (those, its text tokens and max_new_tokens).
     */
    public record Prepared(GenerationRequest request, String reduction, int visualTokens, long kvTokens) {}

    private final LlavaConfig model;
    private final LlavaTokenizer tokenizer;
    private final ImagePreparer preprocessor;
    private final LlavaNextConfig next;
    private final QwenLanguageConfig qwen;
    private final QwenVisionConfig qwenVision;
    private final PromptFormat template;
    private final OptionsTranslator options;

    public RequestPreparer(Path modelDir, ImageLimits limits, int defaultMaxNewTokens, int maxNewTokensLimit) {
        this.options = new OptionsTranslator(defaultMaxNewTokens, maxNewTokensLimit,
                ConfigLoader.loadGeneration(modelDir).repetitionPenaltyOrNone());
        String modelType = ConfigLoader.modelType(modelDir);
        if (QwenConfigReader.MODEL_TYPE.equals(modelType)) {
            this.qwen = ConfigLoader.loadQwenLanguage(modelDir);
            this.qwenVision = QwenConfigReader.vision(modelDir);
            this.next = null;
            this.model = null;
            this.preprocessor = new QwenImagePreprocessor(QwenConfigReader.preprocessor(modelDir), limits);
            this.tokenizer = LlavaTokenizer.load(modelDir, QwenPipeline.IMAGE_PAD, qwen.imageTokenId());
            this.template = PromptFormat.forCheckpoint(modelDir, "qwen2");
        } else {
            this.qwen = null;
            this.qwenVision = null;
            if (LLAVA_NEXT.equals(modelType)) {
                this.next = ConfigLoader.loadNext(modelDir);
                this.model = next.base();
                this.preprocessor = new AnyResPreprocessor(LlavaPipeline.imageSpec(modelDir), next.pinpoints(), limits);
            } else {
                this.next = null;
                this.model = ConfigLoader.loadModel(modelDir);
                this.preprocessor = new ImagePreprocessor(LlavaPipeline.imageSpec(modelDir), limits);
            }
            this.tokenizer = LlavaTokenizer.load(modelDir, model.imageTokenIndex());
            this.template = LlavaPipeline.promptFormat(modelDir);
        }
    }

    public Prepared prepare(InferenceRequest request, List<byte[]> images) {
        List<ModelImage> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            pixels.add(preprocess(i, images.get(i)));
        }
        InferenceRequest.RequestOptions options = request.options() == null
                ? InferenceRequest.RequestOptions.defaults() : request.options();
        SamplingParams sampling = options().sampling(options);
        ReductionPlan plan = plan(options, pixels);
        String prompt = render(request, images.size());
        long[] ids = tokenizer.encode(prompt, template.addSpecialTokens(prompt));
        GenerationRequest generation = new GenerationRequest(ids, pixels, sampling, plan.reducer(), plan.pruner(),
                plan.positions(), plan.scoredReducer());
        int visual = visualTokens(pixels, plan);
        long kv = (long) ids.length - images.size() + visual + sampling.maxNewTokens();
        return new Prepared(generation, plan.method().wireName(), visual, kv);
    }

    /** A conversation the template refuses (a role or an order it does not take) is the request's fault. */
    private String render(InferenceRequest request, int images) {
        List<ChatMessage> conversation = RequestParser.conversation(request, images);
        if (request.messages() == null) {
            return template.render(conversation);
        }
        try {
            return template.render(conversation);
        } catch (ChatTemplateException | IllegalArgumentException e) {
            throw new InvalidRequestException(Code.INVALID_MESSAGES, "/messages: the model's chat template refuses the"
                    + " conversation: " + e.getMessage(), e);
        }
    }

    /** The translation of wire options this preparer applies, with the checkpoint's repetition penalty. */
    public OptionsTranslator options() {
        return options;
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Visual tokens the images take before stage 2, as far as the plan says before running it: LLaVA-1.5's
     * r1 per image (all patches without stage 1); on NeXT every image's packed count, an upper bound.
     */
    private int visualTokens(List<ModelImage> images, ReductionPlan plan) {
        int total = 0;
        for (ModelImage image : images) {
            if (image instanceof QwenImage merged) {
                total += merged.tokens();
            } else if (image instanceof AnyResImage tiles) {
                total += tiles.imageTokens(model.vision().gridSize());
            } else {
                total += plan.budget() == null ? model.vision().numPatches() : plan.budget().r1();
            }
        }
        return total;
    }

    private ModelImage preprocess(int index, byte[] image) {
        try {
            return preprocessor.prepare(image);
        } catch (InvalidImageException e) {
            throw refusal(index, e);
        }
    }

    /** The refusal of image {@code index} that would not decode or is too large; the HTTP check uses it too. */
    public static InvalidRequestException refusal(int index, InvalidImageException e) {
        Code code = e.reason() == InvalidImageException.Reason.TOO_MANY_BYTES
                || e.reason() == InvalidImageException.Reason.TOO_MANY_PIXELS
                ? Code.IMAGE_TOO_LARGE : Code.IMAGE_UNDECODABLE;
        return new InvalidRequestException(code, "image " + index + ": " + e.getMessage(), e);
    }

    private ReductionPlan plan(InferenceRequest.RequestOptions o, List<ModelImage> images) {
        ReductionConfig config = OptionsTranslator.reduction(o);
        try {
            if (qwen != null) {
                return ReductionPlan.ofQwen(config, qwenVision, qwen.text().numHiddenLayers(),
                        images.stream().mapToInt(i -> ((QwenImage) i).tokens()).toArray());
            }
            return next != null
                    ? ReductionPlan.ofAnyRes(config, next, AnyResImage.imageTokens(images, model.vision().gridSize()))
                    : ReductionPlan.of(config, model, images.size());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Code.INVALID_OPTIONS, e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
