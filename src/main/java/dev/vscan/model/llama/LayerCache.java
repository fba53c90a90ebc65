package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Keys (after RoPE) and values of one decoder layer for a batch, [B, kvHeads, T, d], with an
 * additive float32 key mask [B, T] marking padding. Each layer owns its length because layers
 * after a pruning point hold fewer tokens than the layers before it.
 */
public final class LayerCache {

    private NDArray keys;
    private NDArray values;
    private NDArray keyMask;
    private final long[] positionShift;

    LayerCache(NDArray keys, NDArray values, NDArray keyMask, long[] positionShift) {
        this.keys = keys;
        this.values = values;
        this.keyMask = keyMask;
        this.positionShift = positionShift.clone();
    }

    public int length() {
        return (int) keys.getShape().get(2);
    }

    public NDArray keys() {
        return keys;
    }

    public NDArray values() {
        return values;
    }

    public NDArray keyMask() {
        return keyMask;
    }

    /**
     * How far this layer's positions lag behind the sequence's next-position counter: non-zero when
     * the layer sits after a pruning point that re-numbered positions.
     */
    public long positionShift(int sequence) {
        return positionShift[sequence];
    }

    void attach(NDManager manager) {
        keys.attach(manager);
        values.attach(manager);
        keyMask.attach(manager);
    }

    /** Appends one step's keys and values [B, kvHeads, 1, d]; the new column is never padding. */
    void append(NDArray newKeys, NDArray newValues) {
        NDArray k = keys.concat(newKeys, 2);
        NDArray v = values.concat(newValues, 2);
        long batch = keyMask.getShape().get(0);
        NDArray m = keyMask.concat(keyMask.getManager().zeros(new Shape(batch, 1), keyMask.getDataType()), 1);
        // Close the old generation now: otherwise every decode step leaves a full copy of the cache behind.
        keys.close();
        values.close();
        keyMask.close();
        keys = k;
        values = v;
        keyMask = m;
    }
}
