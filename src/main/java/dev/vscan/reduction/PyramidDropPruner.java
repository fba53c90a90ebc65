package dev.vscan.reduction;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import java.util.Arrays;

/**
 * PyramidDrop: VScan's stage-2 scoring applied at several layers, each stage keeping a fraction of
 * the visual tokens still present. A stage keeps {@code round(ratio * current)} tokens (halves
 * round up), and at least one while any visual token is left, so a stage never empties the image
 * by rounding. By default positions are re-numbered after each stage, as VScan's stage 2 does; the
 * survivors may keep their positions instead. Stateless.
 */
public final class PyramidDropPruner implements SequencePruner {

    private final int[] layers;
    private final double[] ratios;
    private final boolean renumber;

    /**
     * @param layers decoder-layer counts after which a stage runs, strictly ascending, each at least 1
     * @param ratios per stage, the fraction of the current visual tokens kept, in (0, 1]
     */
    public PyramidDropPruner(int[] layers, double[] ratios) {
        this(layers, ratios, true);
    }

    /** @param renumber true for consecutive positions after each stage, false to keep each token's */
    public PyramidDropPruner(int[] layers, double[] ratios, boolean renumber) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("PyramidDrop needs at least one pruning layer");
        }
        if (layers.length != ratios.length) {
            throw new IllegalArgumentException("PyramidDrop has " + layers.length + " layers "
                    + Arrays.toString(layers) + " but " + ratios.length + " ratios " + Arrays.toString(ratios));
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] < 1 || (i > 0 && layers[i] <= layers[i - 1])) {
                throw new IllegalArgumentException("PyramidDrop layers must be strictly ascending and at least 1: "
                        + Arrays.toString(layers));
            }
            if (!(ratios[i] > 0 && ratios[i] <= 1)) {
                throw new IllegalArgumentException("PyramidDrop ratio " + ratios[i] + " of stage " + i
                        + " must be in (0, 1]");
            }
        }
        this.layers = layers.clone();
        this.ratios = ratios.clone();
        this.renumber = renumber;
    }

    /** The same ratio at every stage. */
    public PyramidDropPruner(int[] layers, double ratio) {
        this(layers, filled(layers.length, ratio), true);
    }

    /** The same ratio at every stage, with or without re-numbering. */
    public PyramidDropPruner(int[] layers, double ratio, boolean renumber) {
        this(layers, filled(layers.length, ratio), renumber);
    }

    /**
     * The published setting: stages after L/4, L/2 and 3L/4 layers, each halving the visual tokens
     * (so 0.5, 0.25 and 0.125 of the original remain); 8, 16, 24 for a 32-layer model.
     */
    public static PyramidDropPruner standard(int numLayers) {
        if (numLayers < 4) {
            throw new IllegalArgumentException("PyramidDrop's standard stages need at least 4 decoder layers, got "
                    + numLayers);
        }
        return new PyramidDropPruner(new int[] {numLayers / 4, numLayers / 2, 3 * numLayers / 4}, 0.5);
    }

    /** Tokens a stage with this ratio keeps out of {@code current}. */
    public static int keptCount(int current, double ratio) {
        if (current == 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(current, Math.round(ratio * current)));
    }

    @Override
    public int[] pruneAfterLayers() {
        return layers.clone();
    }

    @Override
    public PruneDecision decide(PruneContext context) {
        int stage = Arrays.binarySearch(layers, context.layersDone());
        if (stage < 0) {
            throw new IllegalStateException("PyramidDrop was called after layer " + context.layersDone()
                    + " but prunes only after " + Arrays.toString(layers));
        }
        int[] visual = context.visualTokens();
        int keep = keptCount(visual.length, ratios[stage]);
        int[] kept = keep >= visual.length ? visual
                : VisualTokenRanking.top(context.nextLayerAttention().get(), visual, keep);
        return new PruneDecision(kept, renumber);
    }

    @Override
    public String toString() {
        return "PyramidDropPruner[layers=" + Arrays.toString(layers) + ", ratios=" + Arrays.toString(ratios)
                + ", renumber=" + renumber + "]";
    }

    private static double[] filled(int n, double value) {
        double[] out = new double[n];
        Arrays.fill(out, value);
        return out;
    }
}
