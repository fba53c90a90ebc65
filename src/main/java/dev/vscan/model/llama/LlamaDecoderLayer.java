package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.nn.Attention;
import dev.vscan.model.nn.RmsNorm;
import java.util.List;

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

    /**
     * Result of a prefill pass through this layer: the new hidden states, the padded batch's keys and
     * values [B, kvHeads, T, d] for the caches, and lastRowAttention, null unless asked for.
     */
    record PrefillOutput(NDArray hidden, NDArray keys, NDArray values, NDArray lastRowAttention) {}

    PrefillOutput prefill(NDArray x, NDList rope, NDArray mask, boolean recordLastRow) {
        NDArray normed = inputNorm.apply(x);
        NDArray q = attention.queries(normed, rope);
        NDArray k = attention.keys(normed, rope);
        NDArray v = attention.values(normed);
        NDArray lastRow = recordLastRow ? LlamaAttention.lastRowAttention(q, k, mask) : null;
        return new PrefillOutput(attendAndMix(x, q, k, v, mask), k, v, lastRow);
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

    /**
     * One new token per sequence, x [B, 1, D], sequence b's token written into {@code caches.get(b)}
     * at this layer. Projections and MLP run batched; attention runs per sequence over its own cache,
     * so sequences of any lengths decode together without padding or masks. Every array made here
     * belongs to x's manager, the decode step's scope.
     */
    NDArray decode(NDArray x, NDList rope, List<SequenceCache> caches, int layer) {
        NDManager scope = x.getManager();
        NDArray normed = inputNorm.apply(x);
        NDArray q = attention.queries(normed, rope);
        NDArray k = attention.keys(normed, rope);
        NDArray v = attention.values(normed);
        int batch = caches.size();
        NDList qs = batch == 1 ? new NDList(q) : q.split(batch, 0);
        NDList ks = batch == 1 ? new NDList(k) : k.split(batch, 0);
        NDList vs = batch == 1 ? new NDList(v) : v.split(batch, 0);
        NDList contexts = new NDList(batch);
        for (int b = 0; b < batch; b++) {
            SequenceCache cache = caches.get(b);
            cache.append(layer, ks.get(b), vs.get(b));
            contexts.add(Attention.attend(qs.get(b), cache.keys(layer, scope), cache.values(layer, scope), null));
        }
        NDArray context = batch == 1 ? contexts.get(0) : NDArrays.concat(contexts, 0);
        return mix(x, attention.project(context));
    }

    /** The residual attention step and the residual MLP step that every form of the layer shares. */
    private NDArray attendAndMix(NDArray x, NDArray q, NDArray k, NDArray v, NDArray mask) {
        return mix(x, attention.attend(q, k, v, mask));
    }

    private NDArray mix(NDArray x, NDArray attended) {
        NDArray h = x.add(attended);
        return h.add(mlp.apply(postAttentionNorm.apply(h)));
    }

    /**
     * Head-mean attention that the last token of one sequence would pay to every token if this
     * layer ran on {@code hidden} [1, T, D]: its input norm and q/k projections, RoPE at the given
     * table (none when null), float32 softmax over all (causally visible) keys. This is the stage-2
     * score of VScan.
     */
    NDArray probeLastTokenAttention(NDArray hidden, NDList rope) {
        NDArray normed = inputNorm.apply(hidden);
        long length = hidden.getShape().get(1);
        NDIndex last = new NDIndex(":, {}:", length - 1);
        NDList lastRope = rope == null ? null : new NDList(rope.get(0).get(new NDIndex(":, :, {}:", length - 1)),
                rope.get(1).get(new NDIndex(":, :, {}:", length - 1)));
        NDArray q = attention.queries(normed.get(last), lastRope);
        NDArray k = attention.keys(normed, rope);
        // The last token sees every earlier token, so no causal mask is needed for its row.
        return LlamaAttention.lastRowAttention(q, k, null);
    }
}
