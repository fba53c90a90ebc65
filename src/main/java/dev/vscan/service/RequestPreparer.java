package dev.vscan.service;

import dev.vscan.messaging.InferenceRequest;
import dev.vscan.messaging.InvalidRequestException;
import dev.vscan.messaging.InvalidRequestException.Code;
import dev.vscan.messaging.RequestParser;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.text.LlavaPrompt;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed request and its fetched image bytes into an engine request: the prompt template,
 * tokens, preprocessed pixels, sampling and the reduction plan. Everything a request can get wrong
 * surfaces here as an {@link InvalidRequestException}, before the request takes a place in a batch.
 */
public final class RequestPreparer implements AutoCloseable {

    /**
     * The engine request and what scheduling needs to know about it: its visual tokens after the
     * planned stage 1, and the KV cache it will hold (those, its text tokens and max_new_tokens).
     */
    public record Prepared(GenerationRequest request, String reduction, int visualTokens, long kvTokens) {}

    private final LlavaConfig model;
    private final LlavaTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final int defaultMaxNewTokens;
    private final int maxNewTokensLimit;

    public RequestPreparer(Path modelDir, ImageLimits limits, int defaultMaxNewTokens, int maxNewTokensLimit) {
        this.model = ConfigLoader.loadModel(modelDir);
        this.tokenizer = LlavaTokenizer.load(modelDir, model.imageTokenIndex());
        this.preprocessor = new ImagePreprocessor(LlavaPipeline.imageSpec(modelDir), limits);
        this.defaultMaxNewTokens = defaultMaxNewTokens;
        this.maxNewTokensLimit = maxNewTokensLimit;
    }

    public Prepared prepare(InferenceRequest request, List<byte[]> images) {
        List<PixelValues> pixels = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            pixels.add(preprocess(i, images.get(i)));
        }
        InferenceRequest.RequestOptions options = request.options() == null
                ? InferenceRequest.RequestOptions.defaults() : request.options();
        SamplingParams sampling = sampling(options);
        ReductionPlan plan = plan(options, images.size());
        String prompt = LlavaPrompt.forPrompt(RequestParser.placeholderPrompt(request.prompt(), images.size()));
        long[] ids = tokenizer.encode(prompt);
        int perImage = plan.budget() == null ? model.vision().numPatches() : plan.budget().r1();
        GenerationRequest generation = new GenerationRequest(ids, pixels, sampling, plan.reducer(), plan.pruner(),
                plan.positions());
        int visual = perImage * images.size();
        long kv = (long) ids.length - images.size() + visual + sampling.maxNewTokens();
        return new Prepared(generation, plan.method().wireName(), visual, kv);
    }

    public LlavaTokenizer tokenizer() {
        return tokenizer;
    }

    private PixelValues preprocess(int index, byte[] image) {
        try {
            return preprocessor.preprocess(image);
        } catch (InvalidImageException e) {
            Code code = e.reason() == InvalidImageException.Reason.TOO_MANY_BYTES
                    || e.reason() == InvalidImageException.Reason.TOO_MANY_PIXELS
                    ? Code.IMAGE_TOO_LARGE : Code.IMAGE_UNDECODABLE;
            throw new InvalidRequestException(code, "image " + index + ": " + e.getMessage(), e);
        }
    }

    private SamplingParams sampling(InferenceRequest.RequestOptions o) {
        int maxNew = o.maxNewTokens() == null ? defaultMaxNewTokens : o.maxNewTokens();
        if (maxNew > maxNewTokensLimit) {
            throw new InvalidRequestException(Code.INVALID_OPTIONS,
                    "max_new_tokens " + maxNew + " exceeds this service's limit of " + maxNewTokensLimit);
        }
        try {
            return new SamplingParams(maxNew, o.temperature() == null ? 0 : o.temperature(),
                    o.topP() == null ? 1 : o.topP(), o.seed() == null ? 0 : o.seed());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Code.INVALID_OPTIONS, e.getMessage(), e);
        }
    }

    private ReductionPlan plan(InferenceRequest.RequestOptions o, int images) {
        try {
            ReductionMethod method = ReductionMethod.parse(o.reduction() == null ? "none" : o.reduction());
            boolean tuned = o.budget() != null || o.r1() != null || o.r2() != null || o.layer() != null
                    || o.positions() != null;
            ReductionConfig config = method == ReductionMethod.NONE && !tuned ? ReductionConfig.none()
                    : new ReductionConfig(method, o.budget(), o.r1(), o.r2(), o.layer(), null, null, null, null,
                            o.positions() == null ? null : VisualPositions.parse(o.positions()));
            return ReductionPlan.of(config, model, images);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Code.INVALID_OPTIONS, e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
