package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.weights.CanonicalWeights;

/**
 * Reads weights from a checkpoint directory into a long-lived manager. Every stored dtype is widened
 * to float32 in Java first (DJL cannot hold bfloat16), then moved to the target device and dtype.
 */
final class CheckpointParameters implements ParameterSource {

    private final CanonicalWeights weights;
    private final NDManager manager;
    private final DataType dtype;

    CheckpointParameters(CanonicalWeights weights, NDManager manager, DataType dtype) {
        this.weights = weights;
        this.manager = manager;
        this.dtype = dtype;
    }

    @Override
    public NDArray get(String name, long... expectedShape) {
        if (dtype == DataType.FLOAT32) {
            return manager.create(weights.readFloat32Buffer(name, expectedShape), new Shape(expectedShape),
                    DataType.FLOAT32);
        }
        // The float32 staging copy lives only until the cast: a float16 model keeps half the bytes.
        try (NDManager staging = manager.newSubManager()) {
            NDArray wide = staging.create(weights.readFloat32Buffer(name, expectedShape), new Shape(expectedShape),
                    DataType.FLOAT32);
            NDArray narrow = wide.toType(dtype, false);
            narrow.attach(manager);
            return narrow;
        }
    }

    @Override
    public boolean has(String name) {
        return weights.has(name);
    }
}
