package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.nn.Linear;
import dev.vscan.model.nn.RmsNorm;
import java.util.function.UnaryOperator;

/** One pre-norm vision block: x + attn(RMSNorm1 x), then x + down(act(gate y) * up y) with y = RMSNorm2 x. */
final class QwenVisionBlock {

    private final RmsNorm norm1;
    private final QwenVisionAttention attention;
    private final RmsNorm norm2;
    private final Linear gate;
    private final Linear up;
    private final Linear down;
    private final UnaryOperator<NDArray> activation;
    private final boolean fullAttention;

    QwenVisionBlock(RmsNorm norm1, QwenVisionAttention attention, RmsNorm norm2, Linear gate, Linear up, Linear down,
            UnaryOperator<NDArray> activation, boolean fullAttention) {
        this.norm1 = norm1;
        this.attention = attention;
        this.norm2 = norm2;
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.activation = activation;
        this.fullAttention = fullAttention;
    }

    /** True when the block attends over each whole frame rather than within windows. */
    boolean fullAttention() {
        return fullAttention;
    }

    /** @param received as {@link QwenVisionAttention#apply}: non-null to get the attention each row receives */
    NDArray apply(NDArray x, NDArray[] rope, SegmentGroups runs, NDArray[] received) {
        NDArray h = x.add(attention.apply(norm1.apply(x), rope, runs, received));
        NDArray y = norm2.apply(h);
        return h.add(down.apply(activation.apply(gate.apply(y)).mul(up.apply(y))));
    }
}
