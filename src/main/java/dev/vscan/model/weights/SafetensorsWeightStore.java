package dev.vscan.model.weights;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link WeightStore} over one or more open safetensors files; built by {@link CheckpointFiles}. */
final class SafetensorsWeightStore implements WeightStore {

    private final Path directory;
    private final List<SafetensorsReader> readers;
    private final Map<String, SafetensorsReader> owners;

    /** {@code owners} maps each exposed tensor name to the reader holding it, in a stable order. */
    SafetensorsWeightStore(Path directory, List<SafetensorsReader> readers, LinkedHashMap<String, SafetensorsReader> owners) {
        this.directory = directory;
        this.readers = List.copyOf(readers);
        this.owners = Collections.unmodifiableMap(owners);
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public Set<String> names() {
        return owners.keySet();
    }

    @Override
    public boolean contains(String name) {
        return owners.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return owner(name).info(name);
    }

    @Override
    public ByteBuffer raw(String name) {
        return owner(name).raw(name);
    }

    @Override
    public float[] readFloat32(String name) {
        return owner(name).readFloat32(name);
    }

    @Override
    public ByteBuffer readFloat32Buffer(String name) {
        return owner(name).readFloat32Buffer(name);
    }

    @Override
    public void close() {
        readers.forEach(SafetensorsReader::close);
    }

    private SafetensorsReader owner(String name) {
        SafetensorsReader reader = owners.get(name);
        if (reader == null) {
            throw new CheckpointException("checkpoint " + directory + " has no tensor '" + name + "'");
        }
        return reader;
    }
}
