package dev.vscan.model.weights;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;

/** Tensors of one checkpoint by their stored names, whether they sit in one file or several shards. */
public interface WeightStore extends AutoCloseable {

    /** The checkpoint directory (used in messages). */
    Path directory();

    /** All stored tensor names. */
    Set<String> names();

    boolean contains(String name);

    /** Where the tensor lives; a CheckpointException naming the checkpoint directory if it is absent. */
    TensorInfo info(String name);

    /** The stored bytes, little-endian, as a read-only mapping. */
    ByteBuffer raw(String name);

    float[] readFloat32(String name);

    /** F32 values in a direct little-endian buffer (see {@link SafetensorsReader#readFloat32Buffer}). */
    ByteBuffer readFloat32Buffer(String name);

    @Override
    void close();
}
