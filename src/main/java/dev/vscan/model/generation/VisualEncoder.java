package dev.vscan.model.generation;

import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.LlavaNextModel;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.llama.RopePositions;
import java.util.List;

/**
 * The visual side of a model family: checks a request's images and turns every image of a group of
 * requests into the tokens that replace its placeholder (stage 1 included). The decoder side is shared.
 */
public interface VisualEncoder {

    /** Throws IllegalArgumentException naming request {@code index} and its image when it does not fit. */
    void check(int index, GenerationRequest request);

    /**
     * Per request, per image, what replaces the image's placeholder; the embeddings belong to {@code batch}.
     *
     * @param reductionNanos adds the time spent in the requests' stage-1 reducers
     */
    List<List<ReducedImage>> encode(NDManager batch, List<GenerationRequest> requests, long[] reductionNanos);

    /** Tokens the image has before any reduction. */
    int tokensIn(ModelImage image);

    /** Crops of the image that go through the vision tower. */
    int crops(ModelImage image);

    /**
     * The rotary positions of request's prompt with each placeholder replaced by that image's kept
     * tokens, as the family numbers them (LLaVA: one stream; Qwen2.5-VL: M-RoPE's three).
     */
    RopePositions positions(GenerationRequest request, List<ReducedImage> images);

    /** Newline tokens the packed image carries (LLaVA-NeXT's one per grid row; none on LLaVA-1.5). */
    int newlines(ModelImage image);

    static VisualEncoder qwen(QwenVlModel model) {
        return new QwenVisualEncoder(model);
    }

    static VisualEncoder llava(LlavaModel model) {
        return new LlavaVisualEncoder(model);
    }

    static VisualEncoder next(LlavaNextModel model) {
        return new NextVisualEncoder(model);
    }
}
