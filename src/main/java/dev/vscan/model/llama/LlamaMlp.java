package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.nn.Linear;
import java.util.function.UnaryOperator;

/** SwiGLU feed-forward: down(act(gate x) * up x). */
final class LlamaMlp {

    private final Linear gate;
    private final Linear up;
    private final Linear down;
    private final UnaryOperator<NDArray> activation;

    LlamaMlp(Linear gate, Linear up, Linear down, UnaryOperator<NDArray> activation) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.activation = activation;
    }

    NDArray apply(NDArray x) {
        return down.apply(activation.apply(gate.apply(x)).mul(up.apply(x)));
    }
}
