package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.nn.Activations;
import dev.vscan.model.nn.Linear;
import java.util.function.UnaryOperator;

/** LLaVA's two-layer projector from vision width into the language model's embedding space. */
public final class MultiModalProjector {

    private static final String PREFIX = "model.multi_modal_projector.";

    private final Linear linear1;
    private final Linear linear2;
    private final UnaryOperator<NDArray> activation;

    private MultiModalProjector(Linear linear1, Linear linear2, UnaryOperator<NDArray> activation) {
        this.linear1 = linear1;
        this.linear2 = linear2;
        this.activation = activation;
    }

    public static MultiModalProjector load(ParameterSource p, long visionWidth, long textWidth, String act, boolean bias) {
        Linear l1 = new Linear(p.get(PREFIX + "linear_1.weight", textWidth, visionWidth),
                bias ? p.get(PREFIX + "linear_1.bias", textWidth) : null);
        Linear l2 = new Linear(p.get(PREFIX + "linear_2.weight", textWidth, textWidth),
                bias ? p.get(PREFIX + "linear_2.bias", textWidth) : null);
        return new MultiModalProjector(l1, l2, Activations.byName(act));
    }

    /** Projects [..., visionWidth] features to [..., textWidth]. */
    public NDArray apply(NDArray visionFeatures) {
        return linear2.apply(activation.apply(linear1.apply(visionFeatures)));
    }
}
