package dev.vscan.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Norms and attention against values worked out by hand. */
class BlocksTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void rmsNormDividesByRootMeanSquareThenScales() {
        // x = [3, 4]: mean square = 12.5, rms = sqrt(12.5 + 0.5) = sqrt(13)
        NDArray x = manager.create(new float[] {3, 4}, new Shape(1, 2));
        NDArray w = manager.create(new float[] {2, 0.5f});
        float[] y = new RmsNorm(w, 0.5).apply(x).toFloatArray();
        double rms = Math.sqrt(13);
        assertArrayEquals(new float[] {(float) (3 / rms * 2), (float) (4 / rms * 0.5)}, y, 1e-6f);
    }

    @Test
    void layerNormCentersAndScales() {
        // x = [1, 3]: mean 2, variance 1, eps 0 -> [-1, 1], then * [2, 3] + [0.5, -0.5]
        NDArray x = manager.create(new float[] {1, 3}, new Shape(1, 2));
        float[] y = new LayerNorm(manager.create(new float[] {2, 3}), manager.create(new float[] {0.5f, -0.5f}), 0)
                .apply(x).toFloatArray();
        assertArrayEquals(new float[] {-1.5f, 2.5f}, y, 1e-6f);
    }

    @Test
    void maskedKeysGetNoWeightAndGroupedHeadsShareKeys() {
        // Two query heads share one key/value head. Keys: k0 = [1, 0], k1 = [0, 1], k2 masked.
        NDArray q = manager.create(new float[] {
            2, 0, // head 0 prefers k0
            0, 2, // head 1 prefers k1
        }, new Shape(1, 2, 1, 2));
        NDArray k = manager.create(new float[] {1, 0, 0, 1, 5, 5}, new Shape(1, 1, 3, 2));
        NDArray v = manager.create(new float[] {10, 0, 0, 10, 100, 100}, new Shape(1, 1, 3, 2));
        NDArray mask = manager.create(new float[] {0, 0, -1e30f}, new Shape(1, 1, 1, 3));
        float[] out = Attention.attend(q, k, v, mask).toFloatArray();
        // scores scaled by 1/sqrt(2): head 0 -> [sqrt2, 0], softmax p = e^s / (e^s + 1)
        double s = Math.sqrt(2);
        double p = Math.exp(s) / (Math.exp(s) + 1);
        assertArrayEquals(new float[] {(float) (10 * p), (float) (10 * (1 - p)), (float) (10 * (1 - p)),
            (float) (10 * p)}, out, 1e-5f);
    }

    @Test
    void quickGeluIsXTimesSigmoidOf1702X() {
        NDArray x = manager.create(new float[] {-1, 0, 2});
        float[] y = Activations.quickGelu(x).toFloatArray();
        float[] expected = new float[3];
        float[] in = {-1, 0, 2};
        for (int i = 0; i < 3; i++) {
            expected[i] = (float) (in[i] / (1 + Math.exp(-1.702 * in[i])));
        }
        assertArrayEquals(expected, y, 1e-6f);
    }
}
