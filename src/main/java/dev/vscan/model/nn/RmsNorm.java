package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Llama's RMSNorm: normalise in float32, cast back to the activation dtype, then scale by the
 * weight. The order matches Hugging Face so that half-precision runs round the same way.
 */
public record RmsNorm(NDArray weight, double eps) {

    public NDArray apply(NDArray x) {
        NDArray x32 = Precision.toFloat32(x);
        NDArray inverseRms = x32.square().mean(new int[] {-1}, true).add(eps).pow(-0.5);
        return Precision.like(x32.mul(inverseRms), x).mul(weight);
    }
}
