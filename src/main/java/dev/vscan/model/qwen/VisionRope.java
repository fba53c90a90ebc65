package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.nn.Precision;

/**
 * Qwen2.5-VL's 2-D rotary embedding of the vision tower. With {@code q = headDim / 4} frequencies
 * {@code 1 / 10000^(2i / (headDim / 2))}, patch (r, c) gets the angles {@code [r * f, c * f]} (headDim / 2
 * values), written twice so that rotate-half pairs dimension i with i + headDim / 2.
 */
final class VisionRope {

    private static final double THETA = 10000;

    private final int headDim;
    private final float[] inverseFrequencies;

    VisionRope(int headDim) {
        this.headDim = headDim;
        int rotary = headDim / 2;
        inverseFrequencies = new float[rotary / 2];
        for (int i = 0; i < inverseFrequencies.length; i++) {
            inverseFrequencies[i] = (float) (1.0 / Math.pow(THETA, (2.0 * i) / rotary));
        }
    }

    /**
     * {cos, sin}, each [patches, 1, headDim] (broadcast over heads), for the patch rows in the layout's
     * window order; made once per forward and shared by every block.
     */
    NDArray[] table(NDManager manager, WindowLayout layout) {
        int patches = layout.patches();
        int half = headDim / 2;
        int quarter = inverseFrequencies.length;
        float[] cos = new float[patches * headDim];
        float[] sin = new float[patches * headDim];
        for (int p = 0; p < patches; p++) {
            float row = layout.patchRow(p);
            float col = layout.patchCol(p);
            for (int i = 0; i < quarter; i++) {
                // float32 products, as transformers forms the angle table.
                set(cos, sin, p * headDim, i, half, row * inverseFrequencies[i]);
                set(cos, sin, p * headDim, quarter + i, half, col * inverseFrequencies[i]);
            }
        }
        Shape shape = new Shape(patches, 1, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    private static void set(float[] cos, float[] sin, int base, int i, int half, float angle) {
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[base + i] = c;
        cos[base + half + i] = c;
        sin[base + i] = s;
        sin[base + half + i] = s;
    }

    /**
     * x * cos + rotate_half(x) * sin in float32, as transformers rotates, cast back to x's dtype; x is
     * [patches, heads, headDim].
     */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        NDArray x32 = Precision.toFloat32(x);
        long half = x.getShape().get(2) / 2;
        NDArray first = x32.get(new NDIndex("..., :{}", half));
        NDArray second = x32.get(new NDIndex("..., {}:", half));
        NDArray rotated = second.neg().concat(first, -1);
        return Precision.like(x32.mul(cos).add(rotated.mul(sin)), x);
    }
}
