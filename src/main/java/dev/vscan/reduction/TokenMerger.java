package dev.vscan.reduction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * VScan's merge step: every dropped token joins the kept token it is most similar to (cosine over the
 * full vector, hard argmax, ties to the lower kept position), and each kept token becomes the plain
 * mean of itself and the tokens that joined it: {@code (x_r + sum x_u) / (1 + n_r)}.
 *
 * <p>Computed in float32 whatever the input type; the result has the input's type. Intermediates
 * attach to the input's manager, which the caller scopes.
 */
public final class TokenMerger {

    /** Merged tokens and, per input row, the kept row it joined (itself when kept), as raster indices. */
    public record Merged(NDArray tokens, int[] targets) {}

    /**
     * @param tokens [N, D] token vectors (projected features)
     * @param kept   ascending indices into the N rows, at least one
     * @return [kept.length, D] merged kept tokens, in the order of {@code kept}
     */
    public NDArray merge(NDArray tokens, int[] kept) {
        return merge(tokens, kept, false).tokens();
    }

    /** As {@link #merge(NDArray, int[])}, also bringing the assignment of every row to the host. */
    public Merged mergeTracked(NDArray tokens, int[] kept) {
        return merge(tokens, kept, true);
    }

    private Merged merge(NDArray tokens, int[] kept, boolean track) {
        if (tokens.getShape().dimension() != 2) {
            throw new IllegalArgumentException("token merging expects [tokens, width] but got shape " + tokens.getShape());
        }
        int n = (int) tokens.getShape().get(0);
        int[] dropped = complement(kept, n);
        DataType type = tokens.getDataType();
        NDManager manager = tokens.getManager();
        NDArray x = tokens.toType(DataType.FLOAT32, false);
        NDArray keptRows = x.get(manager.create(toLongs(kept)));
        int[] targets = null;
        if (track) {
            targets = new int[n];
            for (int k : kept) {
                targets[k] = k;
            }
        }
        if (dropped.length == 0) {
            return new Merged(keptRows.toType(type, false), targets);
        }
        NDArray droppedRows = x.get(manager.create(toLongs(dropped)));
        NDArray similarity = droppedRows.normalize(2, 1).matMul(keptRows.normalize(2, 1).transpose());
        // PyTorch's argmax returns the first maximum, i.e. the lower kept position on ties
        NDArray best = similarity.argMax(1);
        if (track) {
            long[] choice = best.toLongArray();
            for (int d = 0; d < dropped.length; d++) {
                targets[dropped[d]] = kept[(int) choice[d]];
            }
        }
        NDArray assignment = best.oneHot(kept.length).toType(DataType.FLOAT32, false);
        NDArray sums = keptRows.add(assignment.transpose().matMul(droppedRows));
        NDArray counts = assignment.sum(new int[] {0}).add(1f).reshape(kept.length, 1);
        return new Merged(sums.div(counts).toType(type, false), targets);
    }

    private static int[] complement(int[] kept, int n) {
        if (kept.length == 0) {
            throw new IllegalArgumentException("token merging needs at least one kept token");
        }
        boolean[] isKept = new boolean[n];
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || kept[i] >= n || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new IllegalArgumentException("kept indices must be ascending and within 0.." + (n - 1)
                        + "; bad entry " + kept[i] + " at position " + i);
            }
            isKept[kept[i]] = true;
        }
        int[] dropped = new int[n - kept.length];
        for (int i = 0, d = 0; i < n; i++) {
            if (!isKept[i]) {
                dropped[d++] = i;
            }
        }
        return dropped;
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
