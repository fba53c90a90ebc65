package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vscan.model.weights.CanonicalWeights;

/**
 * Where the model blocks get their weights from, by canonical name (the transformers v5 layout,
 * e.g. {@code model.language_model.layers.0.self_attn.q_proj.weight}). A checkpoint on disk is one
 * source; tests and training build others in memory.
 */
public interface ParameterSource {

    /** Loads a tensor and checks its shape; fails with a message naming the tensor when absent. */
    NDArray get(String name, long... expectedShape);

    boolean has(String name);

    /**
     * The weights of an open checkpoint, each read into {@code manager} (which should outlive the model)
     * in {@code dtype}; {@code weights} must stay open while the model loads.
     */
    static ParameterSource of(CanonicalWeights weights, NDManager manager, DataType dtype) {
        return new CheckpointParameters(weights, manager, dtype);
    }
}
