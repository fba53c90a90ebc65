package dev.vscan.model;

import ai.djl.ndarray.NDArray;

/**
 * Where the model blocks get their weights from, by canonical name (the transformers v5 layout,
 * e.g. {@code model.language_model.layers.0.self_attn.q_proj.weight}). A checkpoint on disk is one
 * source; tests and training build others in memory.
 */
public interface ParameterSource {

    /** Loads a tensor and checks its shape; fails with a message naming the tensor when absent. */
    NDArray get(String name, long... expectedShape);

    boolean has(String name);
}
