package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequences of different lengths held as one left-padded tensor [B, T, D], with each sequence's
 * rotary positions ([S][L]: one stream, or M-RoPE's three) and which of its tokens are visual. Left
 * padding puts every sequence's last prompt token in the last column, which is where logits and
 * stage-2 scores are read.
 */
final class PaddedBatch {

    /** Added to masked attention scores: finite so a fully padded row stays a valid softmax. */
    static final float MASKED = -1e30f;

    private final NDArray hidden;
    private final long[][][] positions;
    private final boolean[][] visual;
    /** Per sequence, each row's index in the prompt as it entered the first layer. */
    private final int[][] origin;
    private final int length;

    private PaddedBatch(NDArray hidden, long[][][] positions, boolean[][] visual, int[][] origin) {
        this.hidden = hidden;
        this.positions = positions;
        this.visual = visual;
        this.origin = origin;
        this.length = (int) hidden.getShape().get(1);
    }

    static PaddedBatch leftPad(List<NDArray> rows, long[][][] positions, boolean[][] visual) {
        int[][] origin = new int[rows.size()][];
        for (int b = 0; b < origin.length; b++) {
            origin[b] = new int[(int) rows.get(b).getShape().get(0)];
            for (int i = 0; i < origin[b].length; i++) {
                origin[b][i] = i;
            }
        }
        return leftPad(rows, positions, visual, origin);
    }

    private static PaddedBatch leftPad(List<NDArray> rows, long[][][] positions, boolean[][] visual, int[][] origin) {
        int maxLength = 0;
        for (NDArray r : rows) {
            maxLength = Math.max(maxLength, (int) r.getShape().get(0));
        }
        NDList padded = new NDList();
        for (NDArray r : rows) {
            long pad = maxLength - r.getShape().get(0);
            long width = r.getShape().get(1);
            padded.add(pad == 0 ? r : r.getManager().zeros(new Shape(pad, width), r.getDataType()).concat(r, 0));
        }
        return new PaddedBatch(NDArrays.stack(padded), positions, visual, origin);
    }

    NDArray hidden() {
        return hidden;
    }

    PaddedBatch withHidden(NDArray newHidden) {
        return new PaddedBatch(newHidden, positions, visual, origin);
    }

    /** Where sequence {@code b}'s rows were in its prompt before any pruning. */
    int[] origin(int b) {
        return origin[b];
    }

    int batchSize() {
        return positions.length;
    }

    int length() {
        return length;
    }

    int sequenceLength(int b) {
        return positions[b][0].length;
    }

    /** Sequence b's positions, [S][L_b]. */
    long[][] positions(int b) {
        return positions[b];
    }

    boolean[] visual(int b) {
        return visual[b];
    }

    /** Positions per padded column, [B][S][T]; padding columns get 0 (they are masked anyway). */
    long[][][] paddedPositions() {
        long[][][] out = new long[positions.length][][];
        for (int b = 0; b < positions.length; b++) {
            out[b] = new long[positions[b].length][length];
            int real = sequenceLength(b);
            for (int s = 0; s < positions[b].length; s++) {
                System.arraycopy(positions[b][s], 0, out[b][s], length - real, real);
            }
        }
        return out;
    }

    /** Additive key mask [B, T]: 0 for real tokens, {@link #MASKED} for padding. */
    NDArray keyMask(NDManager manager) {
        float[] mask = new float[positions.length * length];
        for (int b = 0; b < positions.length; b++) {
            int pad = length - sequenceLength(b);
            for (int t = 0; t < pad; t++) {
                mask[b * length + t] = MASKED;
            }
        }
        return manager.create(mask, new Shape(positions.length, length));
    }

    /** Causal plus padding mask [B, 1, T, T]. Columns are in order within every sequence. */
    NDArray causalMask(NDManager manager, NDArray keyMask) {
        float[] causal = new float[length * length];
        for (int q = 0; q < length; q++) {
            for (int k = q + 1; k < length; k++) {
                causal[q * length + k] = MASKED;
            }
        }
        NDArray triangle = manager.create(causal, new Shape(1, 1, length, length));
        return keyMask.reshape(positions.length, 1, 1, length).add(triangle);
    }

    /** The real (unpadded) rows of sequence b, [L_b, D]. */
    NDArray rows(int b) {
        return hidden.get(new NDIndex("{}, {}:, :", b, length - sequenceLength(b)));
    }

    /**
     * Keeps, per sequence, the tokens at the given (unpadded, ascending) indices with new positions,
     * and pads again to the new longest sequence.
     */
    PaddedBatch regather(int[][] keep, long[][][] newPositions) {
        List<NDArray> rows = new ArrayList<>();
        boolean[][] newVisual = new boolean[keep.length][];
        int[][] newOrigin = new int[keep.length][];
        for (int b = 0; b < keep.length; b++) {
            long[] idx = new long[keep[b].length];
            newVisual[b] = new boolean[keep[b].length];
            newOrigin[b] = new int[keep[b].length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = keep[b][i];
                newVisual[b][i] = visual[b][keep[b][i]];
                newOrigin[b][i] = origin[b][keep[b][i]];
            }
            NDArray index = hidden.getManager().create(idx);
            rows.add(rows(b).get(index));
        }
        return leftPad(rows, newPositions, newVisual, newOrigin);
    }
}
