package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.nn.Attention;
import dev.vscan.model.nn.Linear;

/** Llama self-attention projections (no biases) and the grouped-query attention over them. */
final class LlamaAttention {

    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    LlamaAttention(Linear q, Linear k, Linear v, Linear o, int heads, int kvHeads, int headDim) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /** Rotated queries [B, H, T, d] of already-normalised input. */
    NDArray queries(NDArray normed, NDList rope) {
        return RotaryEmbedding.apply(split(q.apply(normed), heads), rope);
    }

    /** Rotated keys [B, KV, T, d] of already-normalised input. */
    NDArray keys(NDArray normed, NDList rope) {
        return RotaryEmbedding.apply(split(k.apply(normed), kvHeads), rope);
    }

    NDArray values(NDArray normed) {
        return split(v.apply(normed), kvHeads);
    }

    /** Attends and projects back: queries [B, H, Tq, d] against keys/values [B, KV, Tk, d]. */
    NDArray attend(NDArray queries, NDArray keys, NDArray values, NDArray mask) {
        return project(Attention.attend(queries, keys, values, mask));
    }

    /** The output projection of per-head context vectors [B, H, T, d]. */
    NDArray project(NDArray context) {
        long batch = context.getShape().get(0), length = context.getShape().get(2);
        return o.apply(context.transpose(0, 2, 1, 3).reshape(batch, length, (long) heads * headDim));
    }

    /** Head-mean attention of the last query row, [B, Tk], for pruning methods that read it. */
    static NDArray lastRowAttention(NDArray queries, NDArray keys, NDArray mask) {
        long length = queries.getShape().get(2);
        NDArray lastQuery = queries.get(new NDIndex(":, :, {}:", length - 1));
        NDArray lastMask = mask == null ? null : mask.get(new NDIndex(":, :, {}:, :", length - 1));
        return Attention.probabilities(lastQuery, keys, lastMask).get(new NDIndex(":, :, 0, :")).mean(new int[] {1});
    }

    private NDArray split(NDArray t, int headCount) {
        long batch = t.getShape().get(0), length = t.getShape().get(1);
        return t.reshape(batch, length, headCount, headDim).transpose(0, 2, 1, 3);
    }
}
