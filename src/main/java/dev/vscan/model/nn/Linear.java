package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;

/** A dense layer {@code y = x W^T + b} with the weight stored [out, in] as in PyTorch checkpoints. */
public record Linear(NDArray weight, NDArray bias) {

    public Linear {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("linear weight must be 2-D, got " + weight.getShape());
        }
    }

    public NDArray apply(NDArray x) {
        // The input goes first so that the result belongs to the caller's (per-batch) manager.
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
