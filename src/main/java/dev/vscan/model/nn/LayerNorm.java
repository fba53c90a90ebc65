package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;

/** LayerNorm over the last axis, computed in float32 whatever the activation dtype. */
public record LayerNorm(NDArray weight, NDArray bias, double eps) {

    public NDArray apply(NDArray x) {
        NDArray x32 = Precision.toFloat32(x);
        NDArray mean = x32.mean(new int[] {-1}, true);
        NDArray centered = x32.sub(mean);
        NDArray variance = centered.square().mean(new int[] {-1}, true);
        NDArray normalized = centered.mul(variance.add(eps).pow(-0.5));
        return Precision.like(normalized, x).mul(weight).add(bias);
    }
}
