package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Rotary position embedding, rotate-half convention: dimension i pairs with i + d/2. Angles are
 * computed in float32 like Hugging Face so that positions far into the sequence round the same way.
 *
 * <p>With an M-RoPE section (Qwen2.5-VL) a token has several position streams (temporal, height,
 * width) and each frequency takes its angle from one of them: the first {@code section[0]}
 * frequencies from stream 0, the next {@code section[1]} from stream 1, and so on; both halves of
 * the head use the same frequency, so a dimension and its rotate-half partner share a stream. Text
 * tokens carry the same position on every stream, which makes M-RoPE plain RoPE for them.
 */
public final class RotaryEmbedding {

    private final int headDim;
    private final float[] inverseFrequencies;
    private final int[] streamOfFrequency;
    private final int streams;

    public RotaryEmbedding(int headDim, double theta) {
        this(headDim, theta, null);
    }

    /**
     * @param mropeSection frequencies per position stream, summing to headDim / 2; null for one stream
     */
    public RotaryEmbedding(int headDim, double theta, int[] mropeSection) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embedding needs an even head dimension, got " + headDim);
        }
        int half = headDim / 2;
        this.headDim = headDim;
        this.inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / headDim;
            inverseFrequencies[i] = 1f / (float) Math.pow(theta, exponent);
        }
        this.streamOfFrequency = new int[half];
        if (mropeSection == null) {
            this.streams = 1;
        } else {
            if (Arrays.stream(mropeSection).sum() != half || Arrays.stream(mropeSection).anyMatch(s -> s < 0)) {
                throw new IllegalArgumentException("mrope_section " + Arrays.toString(mropeSection)
                        + " must split the " + half + " rotary frequencies (head_dim / 2)");
            }
            int i = 0;
            for (int s = 0; s < mropeSection.length; s++) {
                for (int n = 0; n < mropeSection[s]; n++) {
                    streamOfFrequency[i++] = s;
                }
            }
            this.streams = mropeSection.length;
        }
    }

    /** Position streams a token has: 1, or 3 for M-RoPE. */
    public int streams() {
        return streams;
    }

    /** Cosines and sines for one-stream positions [B][T], shaped [B, 1, T, d] each, in {@code dtype}. */
    public NDList table(NDManager manager, long[][] positions, DataType dtype) {
        long[][][] wrapped = new long[positions.length][][];
        for (int b = 0; b < positions.length; b++) {
            wrapped[b] = new long[][] {positions[b]};
        }
        return table(manager, wrapped, dtype);
    }

    /**
     * Cosines and sines for positions [B][S][T], S being {@link #streams()} or 1 (the same position on
     * every stream), shaped [B, 1, T, d] each, in {@code dtype}.
     */
    public NDList table(NDManager manager, long[][][] positions, DataType dtype) {
        int batch = positions.length;
        int length = positions[0][0].length;
        int half = headDim / 2;
        float[] cos = new float[batch * length * headDim];
        float[] sin = new float[cos.length];
        for (int b = 0; b < batch; b++) {
            long[][] rows = positions[b];
            if (rows.length != 1 && rows.length != streams) {
                throw new IllegalArgumentException("sequence " + b + " has " + rows.length
                        + " position streams; this rotary embedding takes 1 or " + streams);
            }
            for (int t = 0; t < length; t++) {
                int base = (b * length + t) * headDim;
                for (int i = 0; i < half; i++) {
                    float p = (float) rows[rows.length == 1 ? 0 : streamOfFrequency[i]][t];
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

    /** Applies the rotation to [B, heads, T, d] with a table from {@link #table}; null leaves x as it is. */
    public static NDArray apply(NDArray x, NDList table) {
        if (table == null) {
            return x;
        }
        return x.mul(table.get(0)).add(rotateHalf(x).mul(table.get(1)));
    }

    static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().getLastDimension() / 2;
        NDArray first = x.get(new NDIndex("..., :{}", half));
        NDArray second = x.get(new NDIndex("..., {}:", half));
        return second.neg().concat(first, -1);
    }
}
