package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One sequence's keys (after RoPE) and values for every decoder layer, each [1, kvHeads, capacity, d],
 * allocated once for the prompt plus the tokens the sequence may still generate and written in place.
 * A decode step therefore allocates nothing that outlives it. Each layer keeps its own length, because
 * layers after a pruning point hold fewer tokens, and its own position shift.
 *
 * <p>The buffers belong to a manager of their own: closing the cache frees exactly this sequence's
 * memory, which is what retiring a finished sequence from a running batch needs.
 */
public final class SequenceCache implements AutoCloseable {

    /** Extra room a layer gets when it fills up without a reservation: the capacity doubles, at least this. */
    private static final int MIN_GROWTH = 16;

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int[] lengths;
    private final long[] positionShift;
    private final int reserve;
    private long nextPosition;

    /**
     * @param reserve tokens each layer should have room for beyond its prompt (max_new_tokens); 0 lets
     *                layers grow geometrically instead
     */
    SequenceCache(NDManager parent, int numLayers, long nextPosition, int reserve) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
        this.lengths = new int[numLayers];
        this.positionShift = new long[numLayers];
        this.reserve = Math.max(0, reserve);
        this.nextPosition = nextPosition;
    }

    public int numLayers() {
        return lengths.length;
    }

    /** Tokens layer {@code layer} holds now. */
    public int length(int layer) {
        return lengths[layer];
    }

    /** Tokens layer {@code layer} has room for before it must grow. */
    public int capacity(int layer) {
        return keys[layer] == null ? 0 : (int) keys[layer].getShape().get(2);
    }

    /** Token slots allocated over all layers. */
    public long allocatedSlots() {
        long slots = 0;
        for (int i = 0; i < lengths.length; i++) {
            slots += capacity(i);
        }
        return slots;
    }

    /**
     * How far layer {@code layer}'s positions lag behind {@link #nextPosition()}: non-zero after a
     * pruning point that re-numbered positions.
     */
    public long positionShift(int layer) {
        return positionShift[layer];
    }

    /** The position the next token takes in layers without a shift. */
    public long nextPosition() {
        return nextPosition;
    }

    void advance() {
        nextPosition++;
    }

    /** Stores a layer's prompt keys and values [1, kvHeads, L, d], allocating its buffers. */
    void fill(int layer, NDArray promptKeys, NDArray promptValues, long shift) {
        int length = (int) promptKeys.getShape().get(2);
        int capacity = length + (reserve > 0 ? reserve : MIN_GROWTH);
        keys[layer] = allocate(promptKeys, capacity);
        values[layer] = allocate(promptValues, capacity);
        NDIndex prompt = new NDIndex(":, :, 0:{}", length);
        keys[layer].set(prompt, promptKeys);
        values[layer].set(prompt, promptValues);
        lengths[layer] = length;
        positionShift[layer] = shift;
    }

    /** Writes one token's keys and values [1, kvHeads, 1, d] after the layer's last token. */
    void append(int layer, NDArray newKeys, NDArray newValues) {
        int length = lengths[layer];
        if (length == capacity(layer)) {
            grow(layer, Math.max(2 * length, length + MIN_GROWTH));
        }
        NDIndex column = new NDIndex(":, :, {}:{}", length, length + 1);
        keys[layer].set(column, newKeys);
        values[layer].set(column, newValues);
        lengths[layer] = length + 1;
    }

    /** The filled part of a layer's keys, [1, kvHeads, length, d]: a view that belongs to {@code scope}. */
    NDArray keys(int layer, NDManager scope) {
        return keys[layer].get(scope, new NDIndex(":, :, :{}", lengths[layer]));
    }

    NDArray values(int layer, NDManager scope) {
        return values[layer].get(scope, new NDIndex(":, :, :{}", lengths[layer]));
    }

    private NDArray allocate(NDArray like, int capacity) {
        Shape s = like.getShape();
        DataType dtype = like.getDataType();
        // Uninitialised on purpose: columns past the length are never read.
        return manager.create(new Shape(s.get(0), s.get(1), capacity, s.get(3)), dtype);
    }

    private void grow(int layer, int capacity) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray oldKeys = keys(layer, scope);
            NDArray oldValues = values(layer, scope);
            NDArray newKeys = allocate(oldKeys, capacity);
            NDArray newValues = allocate(oldValues, capacity);
            NDIndex filled = new NDIndex(":, :, 0:{}", lengths[layer]);
            newKeys.set(filled, oldKeys);
            newValues.set(filled, oldValues);
            keys[layer].close();
            values[layer].close();
            keys[layer] = newKeys;
            values[layer] = newValues;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
