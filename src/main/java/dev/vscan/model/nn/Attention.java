package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention with grouped-query support. Query head {@code h} reads key/value
 * head {@code h / (heads / kvHeads)}, as Hugging Face's {@code repeat_kv} does; the grouping is
 * done by reshaping the queries, so keys and values are never copied per query head.
 */
public final class Attention {

    private Attention() {}

    /**
     * @param q    [B, H, Tq, d]
     * @param k    [B, KV, Tk, d]
     * @param v    [B, KV, Tk, d]
     * @param mask additive float32 mask broadcastable to [B, 1, Tq, Tk], or null for none
     * @return [B, H, Tq, d]
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        Shape qs = q.getShape();
        long batch = qs.get(0), heads = qs.get(1), tq = qs.get(2), dim = qs.get(3);
        long kvHeads = k.getShape().get(1);
        long tk = k.getShape().get(2);
        NDArray probs = probabilities(q, k, mask);
        NDArray grouped = probs.reshape(batch, kvHeads, (heads / kvHeads) * tq, tk);
        return grouped.matMul(v).reshape(batch, heads, tq, dim);
    }

    /**
     * Softmax attention probabilities in float32, cast back to the query dtype.
     *
     * @return [B, H, Tq, Tk]
     */
    public static NDArray probabilities(NDArray q, NDArray k, NDArray mask) {
        Shape qs = q.getShape();
        long batch = qs.get(0), heads = qs.get(1), tq = qs.get(2), dim = qs.get(3);
        long kvHeads = k.getShape().get(1);
        long tk = k.getShape().get(2);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " key/value heads");
        }
        long groups = heads / kvHeads;
        NDArray scores = q.reshape(batch, kvHeads, groups * tq, dim)
                .matMul(k.transpose(0, 1, 3, 2))
                .reshape(batch, kvHeads, groups, tq, tk);
        NDArray scores32 = Precision.toFloat32(scores).mul((float) (1.0 / Math.sqrt(dim)));
        if (mask != null) {
            scores32 = scores32.add(mask.expandDims(1));
        }
        NDArray probs = scores32.softmax(-1).reshape(batch, heads, tq, tk);
        return Precision.like(probs, q);
    }
}
