package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The activation functions named in Hugging Face configs. */
public final class Activations {

    private Activations() {}

    /** Looks up an activation by its config name ("gelu", "quick_gelu", "silu"). */
    public static UnaryOperator<NDArray> byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "gelu":
                // Hugging Face's "gelu" is the exact erf form, which is what libtorch's gelu computes.
                return ai.djl.nn.Activation::gelu;
            case "quick_gelu":
                return Activations::quickGelu;
            case "silu":
            case "swish":
                return x -> x.mul(ai.djl.nn.Activation.sigmoid(x));
            default:
                throw new IllegalArgumentException(
                        "activation '" + name + "' is not supported; supported: gelu, quick_gelu, silu");
        }
    }

    /** CLIP's quick_gelu: {@code x * sigmoid(1.702 x)}. */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x.mul(1.702f)));
    }
}
