package dev.vscan.model.weights;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint read through canonical ({@link CheckpointLayout#TRANSFORMERS_V5}) names, whatever layout
 * it was saved in. Reads can check the shape the model config expects, so a mismatched config and
 * checkpoint fail with a message naming the tensor and file instead of a native shape error.
 */
public final class CanonicalWeights implements AutoCloseable {

    private final WeightStore store;
    private final CheckpointLayout layout;
    private final Map<String, String> storedByCanonical;

    private CanonicalWeights(WeightStore store, CheckpointLayout layout, Map<String, String> storedByCanonical) {
        this.store = store;
        this.layout = layout;
        this.storedByCanonical = Collections.unmodifiableMap(storedByCanonical);
    }

    /** Opens the checkpoint in {@code dir} and detects its layout; the caller closes it. */
    public static CanonicalWeights open(Path dir) {
        return wrap(CheckpointFiles.open(dir));
    }

    /** Takes ownership of {@code store}: it is closed with the result, or at once if this fails. */
    public static CanonicalWeights wrap(WeightStore store) {
        try {
            CheckpointLayout layout;
            try {
                layout = CheckpointLayout.detect(store.names());
            } catch (CheckpointException e) {
                throw new CheckpointException("checkpoint " + store.directory() + ": " + e.getMessage(), e);
            }
            Map<String, String> storedByCanonical = new LinkedHashMap<>();
            for (String stored : store.names()) {
                if (CheckpointLayout.isIgnored(stored)) {
                    continue;
                }
                String canonical = layout.toCanonical(stored);
                String clash = storedByCanonical.putIfAbsent(canonical, stored);
                if (clash != null) {
                    throw new CheckpointException("checkpoint " + store.directory() + ": tensors " + clash + " and "
                            + stored + " both map to " + canonical);
                }
            }
            return new CanonicalWeights(store, layout, storedByCanonical);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public Path directory() {
        return store.directory();
    }

    /** The underlying store, addressed by stored names. */
    public WeightStore store() {
        return store;
    }

    /** Canonical names of every tensor, in stored order. */
    public Set<String> canonicalNames() {
        return storedByCanonical.keySet();
    }

    public boolean has(String canonical) {
        return storedByCanonical.containsKey(canonical);
    }

    /** The name the tensor has in the files. */
    public String storedName(String canonical) {
        String stored = storedByCanonical.get(canonical);
        if (stored == null) {
            throw missing(canonical);
        }
        return stored;
    }

    public TensorInfo info(String canonical) {
        return store.info(storedName(canonical));
    }

    /** The stored bytes, dtype unchanged. */
    public ByteBuffer raw(String canonical) {
        return store.raw(storedName(canonical));
    }

    /** The values as float; with a non-empty {@code expectedShape} the stored shape must equal it. */
    public float[] readFloat32(String canonical, long... expectedShape) {
        checkShape(canonical, expectedShape);
        return store.readFloat32(storedName(canonical));
    }

    /** The values as F32 in a direct buffer; with a non-empty {@code expectedShape} the shape is checked. */
    public ByteBuffer readFloat32Buffer(String canonical, long... expectedShape) {
        checkShape(canonical, expectedShape);
        return store.readFloat32Buffer(storedName(canonical));
    }

    @Override
    public void close() {
        store.close();
    }

    private void checkShape(String canonical, long[] expectedShape) {
        TensorInfo info = info(canonical);
        if (expectedShape.length > 0 && !Arrays.equals(info.shape(), expectedShape)) {
            throw new CheckpointException("tensor " + info.name() + " in file " + info.file() + " has shape "
                    + info.shapeText() + " but the config expects " + Arrays.toString(expectedShape));
        }
    }

    private CheckpointException missing(String canonical) {
        String stored;
        try {
            stored = layout.fromCanonical(canonical);
        } catch (IllegalArgumentException e) {
            stored = canonical;
        }
        return new CheckpointException("checkpoint " + store.directory() + " has no tensor " + canonical
                + " (stored as " + stored + " in the " + layout + " layout)");
    }
}
