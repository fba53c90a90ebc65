package dev.vscan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Casts used where numerics must run in float32 (norms, softmax) while weights may be float16. */
public final class Precision {

    private Precision() {}

    public static NDArray toFloat32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    }

    /** Casts {@code x} to the dtype of {@code reference} (no copy when it already matches). */
    public static NDArray like(NDArray x, NDArray reference) {
        DataType target = reference.getDataType();
        return x.getDataType() == target ? x : x.toType(target, false);
    }
}
