package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.nn.RmsNorm;

/** One pre-norm Llama layer, in a prefill form that fills its cache and a one-token decode form. */
public final class LlamaDecoderLayer {

    private final RmsNorm inputNorm;
    private final LlamaAttention attention;
    private final RmsNorm postAttentionNorm;
    private final LlamaMlp mlp;

    LlamaDecoderLayer(RmsNorm inputNorm, LlamaAttention attention, RmsNorm postAttentionNorm, LlamaMlp mlp) {
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    /** Result of a prefill pass through this layer. lastRowAttention is null unless asked for. */
    record PrefillOutput(NDArray hidden, LayerCache cache, NDArray lastRowAttention) {}

    PrefillOutput prefill(NDArray x, NDList rope, NDArray mask, NDArray keyMask, long[] positionShift,
            boolean recordLastRow) {
        NDArray normed = inputNorm.apply(x);
        NDArray q = attention.queries(normed, rope);
        NDArray k = attention.keys(normed, rope);
        NDArray v = attention.values(normed);
        NDArray lastRow = recordLastRow ? LlamaAttention.lastRowAttention(q, k, mask) : null;
        return new PrefillOutput(attendAndMix(x, q, k, v, mask), new LayerCache(k, v, keyMask, positionShift), lastRow);
    }

    /**
     * The whole layer over full sequences without a cache, for teacher-forced training: x [B, T, D],
     * additive mask broadcastable to [B, T, T].
     */
    NDArray forward(NDArray x, NDList rope, NDArray mask) {
        NDArray normed = inputNorm.apply(x);
        return attendAndMix(x, attention.queries(normed, rope), attention.keys(normed, rope), attention.values(normed),
                mask);
    }

    /** One new token per sequence, x [B, 1, D]; appends to this layer's cache. */
    NDArray decode(NDArray x, NDList rope, LayerCache cache) {
        NDArray normed = inputNorm.apply(x);
        NDArray q = attention.queries(normed, rope);
        cache.append(attention.keys(normed, rope), attention.values(normed));
        long batch = x.getShape().get(0);
        NDArray mask = cache.keyMask().reshape(batch, 1, 1, cache.length());
        return attendAndMix(x, q, cache.keys(), cache.values(), mask);
    }

    /** The residual attention step and the residual MLP step that every form of the layer shares. */
    private NDArray attendAndMix(NDArray x, NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDArray h = x.add(attention.attend(q, k, v, mask));
        return h.add(mlp.apply(postAttentionNorm.apply(h)));
    }

    /**
     * Head-mean attention that the last token of one sequence would pay to every token if this
     * layer ran on {@code hidden} [1, T, D]: its input norm and q/k projections, RoPE at the given
     * table, float32 softmax over all (causally visible) keys. This is the stage-2 score of VScan.
     */
    NDArray probeLastTokenAttention(NDArray hidden, NDList rope) {
        NDArray normed = inputNorm.apply(hidden);
        long length = hidden.getShape().get(1);
        NDIndex last = new NDIndex(":, {}:", length - 1);
        NDList lastRope = new NDList(rope.get(0).get(new NDIndex(":, :, {}:", length - 1)),
                rope.get(1).get(new NDIndex(":, :, {}:", length - 1)));
        NDArray q = attention.queries(normed.get(last), lastRope);
        NDArray k = attention.keys(normed, rope);
        // The last token sees every earlier token, so no causal mask is needed for its row.
        return LlamaAttention.lastRowAttention(q, k, null);
    }
}
