package dev.vscan.model.clip;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.nn.LayerNorm;
import dev.vscan.model.nn.Linear;
import java.util.function.UnaryOperator;

/** One pre-norm CLIP layer: x + attn(LN1 x), then x + fc2(act(fc1(LN2 x))). */
final class ClipEncoderLayer {

    private final LayerNorm norm1;
    private final ClipAttention attention;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> activation;

    ClipEncoderLayer(LayerNorm norm1, ClipAttention attention, LayerNorm norm2, Linear fc1, Linear fc2,
            UnaryOperator<NDArray> activation) {
        this.norm1 = norm1;
        this.attention = attention;
        this.norm2 = norm2;
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.activation = activation;
    }

    NDArray apply(NDArray x, NDArray[] clsRow) {
        NDArray h = x.add(attention.apply(norm1.apply(x), clsRow));
        return h.add(fc2.apply(activation.apply(fc1.apply(norm2.apply(h)))));
    }
}
