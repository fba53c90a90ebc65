package dev.vscan.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.ParameterSource;
import dev.vscan.model.weights.CanonicalWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every tensor of a checkpoint as a float32 array that can carry a gradient. Only the tensors the model
 * asks for (through {@link #get}) and those added with {@link #addExtra} are trained: LLaVA never reads
 * the vision tower's last layer, so it stays as initialised.
 */
public final class TrainableWeights implements ParameterSource, AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> all = new LinkedHashMap<>();
    private final Map<String, NDArray> trained = new LinkedHashMap<>();

    private TrainableWeights(NDManager manager) {
        this.manager = manager;
    }

    /** Reads a checkpoint's tensors (any stored dtype, widened to float32) into {@code manager}. */
    public static TrainableWeights load(Path checkpointDir, NDManager manager) {
        TrainableWeights weights = new TrainableWeights(manager);
        try (CanonicalWeights stored = CanonicalWeights.open(checkpointDir)) {
            for (String name : new TreeSet<>(stored.canonicalNames())) {
                long[] shape = stored.info(name).shape();
                NDArray array = manager.create(stored.readFloat32Buffer(name, shape), new Shape(shape), DataType.FLOAT32);
                array.setName(name);
                weights.all.put(name, array);
            }
        }
        return weights;
    }

    @Override
    public NDArray get(String name, long... expectedShape) {
        NDArray array = all.get(name);
        if (array == null) {
            throw new IllegalArgumentException("training checkpoint has no tensor " + name);
        }
        if (!Arrays.equals(array.getShape().getShape(), expectedShape)) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + array.getShape()
                    + " but the model expects " + new Shape(expectedShape));
        }
        markTrained(name, array);
        return array;
    }

    @Override
    public boolean has(String name) {
        return all.containsKey(name);
    }

    /** A training-only parameter (an auxiliary head) that the saved checkpoint leaves out. */
    public NDArray addExtra(String name, NDArray initial) {
        initial.setName(name);
        markTrained(name, initial);
        return initial;
    }

    /** The arrays the optimiser updates, by name, in a stable order. */
    public Map<String, NDArray> trained() {
        return Collections.unmodifiableMap(trained);
    }

    /** Every checkpoint tensor (trained or not), by canonical name; extras excluded. */
    public Map<String, NDArray> checkpointTensors() {
        return Collections.unmodifiableMap(all);
    }

    public NDManager manager() {
        return manager;
    }

    private void markTrained(String name, NDArray array) {
        if (!trained.containsKey(name)) {
            array.setRequiresGradient(true);
            trained.put(name, array);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
