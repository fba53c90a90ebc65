package dev.vscan.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.nn.Attention;
import dev.vscan.model.nn.Linear;

/** Bidirectional multi-head self-attention of a CLIP encoder layer (no mask, biases everywhere). */
final class ClipAttention {

    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final int heads;

    ClipAttention(Linear q, Linear k, Linear v, Linear out, int heads) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.heads = heads;
    }

    /** Output of the layer; when {@code clsRow} is non-null it receives the head-mean [CLS] row. */
    NDArray apply(NDArray x, NDArray[] clsRow) {
        long batch = x.getShape().get(0), tokens = x.getShape().get(1), width = x.getShape().get(2);
        NDArray qh = splitHeads(q.apply(x), batch, tokens);
        NDArray kh = splitHeads(k.apply(x), batch, tokens);
        NDArray vh = splitHeads(v.apply(x), batch, tokens);
        NDArray probs = Attention.probabilities(qh, kh, null);
        if (clsRow != null) {
            // Row 0 is the [CLS] query; columns 1.. are the patches. Not renormalised, as in VScan.
            clsRow[0] = probs.get(new NDIndex(":, :, 0, 1:")).mean(new int[] {1});
        }
        NDArray context = probs.matMul(vh).transpose(0, 2, 1, 3).reshape(batch, tokens, width);
        return out.apply(context);
    }

    private NDArray splitHeads(NDArray t, long batch, long tokens) {
        return t.reshape(batch, tokens, heads, -1).transpose(0, 2, 1, 3);
    }
}
