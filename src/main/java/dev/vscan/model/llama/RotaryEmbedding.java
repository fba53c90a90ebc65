package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding, rotate-half convention: dimension i pairs with i + d/2. Angles are
 * computed in float32 like Hugging Face so that positions far into the sequence round the same way.
 */
public final class RotaryEmbedding {

    private final int headDim;
    private final float[] inverseFrequencies;

    public RotaryEmbedding(int headDim, double theta) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embedding needs an even head dimension, got " + headDim);
        }
        this.headDim = headDim;
        this.inverseFrequencies = new float[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            float exponent = (float) (2 * i) / headDim;
            inverseFrequencies[i] = 1f / (float) Math.pow(theta, exponent);
        }
    }

    /** Cosines and sines for positions [B][T], shaped [B, 1, T, d] each, in {@code dtype}. */
    public NDList table(NDManager manager, long[][] positions, DataType dtype) {
        int batch = positions.length;
        int length = positions[0].length;
        int half = headDim / 2;
        float[] cos = new float[batch * length * headDim];
        float[] sin = new float[cos.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                int base = (b * length + t) * headDim;
                float p = (float) positions[b][t];
                for (int i = 0; i < half; i++) {
                    float angle = p * inverseFrequencies[i];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + i + half] = c;
                    sin[base + i] = s;
                    sin[base + i + half] = s;
                }
            }
        }
        Shape shape = new Shape(batch, 1, length, headDim);
        NDArray c = manager.create(cos, shape);
        NDArray s = manager.create(sin, shape);
        if (dtype != DataType.FLOAT32) {
            c = c.toType(dtype, false);
            s = s.toType(dtype, false);
        }
        return new NDList(c, s);
    }

    /** Applies the rotation to [B, heads, T, d] with a table from {@link #table}. */
    public static NDArray apply(NDArray x, NDList table) {
        return x.mul(table.get(0)).add(rotateHalf(x).mul(table.get(1)));
    }

    static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().getLastDimension() / 2;
        NDArray first = x.get(new NDIndex("..., :{}", half));
        NDArray second = x.get(new NDIndex("..., {}:", half));
        return second.neg().concat(first, -1);
    }
}
