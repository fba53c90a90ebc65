package dev.vscan.model.weights;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives: its name as stored, element type, shape, and the byte range
 * {@code [dataBegin, dataEnd)} as absolute offsets in {@code file} (not relative to the data section).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataBegin, long dataEnd, Path file) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone();
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor " + name + " in " + file + " has a negative dimension: "
                        + Arrays.toString(shape));
            }
        }
        if (dataBegin < 0 || dataEnd < dataBegin) {
            throw new IllegalArgumentException("tensor " + name + " in " + file + " has an invalid byte range ["
                    + dataBegin + ", " + dataEnd + ")");
        }
    }

    /** A copy, so callers cannot change the recorded shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions (1 for a scalar, 0 for an empty tensor). */
    public long numElements() {
        return elementCount(shape);
    }

    /** Length of the stored data in bytes. */
    public long byteLength() {
        return dataEnd - dataBegin;
    }

    /** The shape formatted like {@code [48, 3, 14, 14]}, for messages. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo that
                && name.equals(that.name) && dtype == that.dtype && Arrays.equals(shape, that.shape)
                && dataBegin == that.dataBegin && dataEnd == that.dataEnd && file.equals(that.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), dataBegin, dataEnd, file);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype + " " + shapeText() + " bytes " + dataBegin + ".." + dataEnd
                + " in " + file + "]";
    }
}
