package dev.vscan.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

    @Test
    void rotatesDimensionIWithDimensionIPlusHalf() {
        System.setProperty("ai.djl.offline", "true");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // d = 4, theta = 100: inv_freq = [1, 100^-0.5 = 0.1]; position 3 -> angles [3, 0.3]
            RotaryEmbedding rope = new RotaryEmbedding(4, 100);
            NDList table = rope.table(manager, new long[][] {{3}}, DataType.FLOAT32);
            NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 1, 4));
            float[] y = RotaryEmbedding.apply(x, table).toFloatArray();
            double c0 = Math.cos(3), s0 = Math.sin(3), c1 = Math.cos(0.3), s1 = Math.sin(0.3);
            // pairs (x0, x2) and (x1, x3) rotate: x0' = x0 c - x2 s, x2' = x2 c + x0 s
            float[] expected = {
                (float) (1 * c0 - 3 * s0), (float) (2 * c1 - 4 * s1),
                (float) (3 * c0 + 1 * s0), (float) (4 * c1 + 2 * s1)};
            assertArrayEquals(expected, y, 1e-6f);
        }
    }

    @Test
    void mropeTakesEachFrequencysAngleFromItsStream() {
        System.setProperty("ai.djl.offline", "true");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // d = 8: four frequencies; section [1, 1, 2]: frequency 0 from stream T, 1 from H, 2 and 3 from W
            RotaryEmbedding mrope = new RotaryEmbedding(8, 100, new int[] {1, 1, 2});
            RotaryEmbedding plain = new RotaryEmbedding(8, 100);
            float[] cos = mrope.table(manager, new long[][][] {{{5}, {7}, {9}}}, DataType.FLOAT32).get(0).toFloatArray();
            float[] t = plain.table(manager, new long[][] {{5}}, DataType.FLOAT32).get(0).toFloatArray();
            float[] h = plain.table(manager, new long[][] {{7}}, DataType.FLOAT32).get(0).toFloatArray();
            float[] w = plain.table(manager, new long[][] {{9}}, DataType.FLOAT32).get(0).toFloatArray();
            assertArrayEquals(new float[] {t[0], h[1], w[2], w[3], t[4], h[5], w[6], w[7]}, cos);
            // a token at the same place on every stream is plain RoPE
            assertArrayEquals(t, mrope.table(manager, new long[][][] {{{5}, {5}, {5}}}, DataType.FLOAT32).get(0)
                    .toFloatArray());
            assertArrayEquals(t, mrope.table(manager, new long[][] {{5}}, DataType.FLOAT32).get(0).toFloatArray());
        }
    }
}
