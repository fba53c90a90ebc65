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
        NDArray array = manager.create(weights.readFloat32Buffer(name, expectedShape), new Shape(expectedShape),
                DataType.FLOAT32);
        return dtype == DataType.FLOAT32 ? array : array.toType(dtype, false);
    }

    @Override
    public boolean has(String name) {
        return weights.has(name);
    }
}
