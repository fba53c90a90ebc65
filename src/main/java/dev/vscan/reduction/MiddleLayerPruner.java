package dev.vscan.reduction;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;

/**
 * VScan stage 2: after the first {@code layer} decoder layers of the prefill, keeps the {@code keep}
 * visual tokens that the last prompt token attends to most, scored with the next layer's input norm
 * and q/k projections. All images of a prompt are ranked together. By default positions are
 * re-numbered contiguously from that layer on, as in the reference code; the survivors may keep their
 * positions instead. Stateless, so one instance may serve many requests.
 */
public final class MiddleLayerPruner implements SequencePruner {

    private final int layer;
    private final int keep;
    private final double ratio;
    private final boolean renumber;

    /**
     * @param layer decoder layers run before pruning (k); must be below the model's layer count,
     *              which the engine checks when the request runs
     * @param keep  visual tokens kept over the whole prompt (R2); every token when the prompt has fewer
     */
    public MiddleLayerPruner(int layer, int keep) {
        this(layer, keep, true);
    }

    /**
     * @param renumber true to give the survivors consecutive positions (the reference code), false to
     *                 leave each at the position it had
     */
    public MiddleLayerPruner(int layer, int keep, boolean renumber) {
        if (layer < 1) {
            throw new IllegalArgumentException("stage-2 layer must be at least 1 (decoder layers run before "
                    + "pruning), got " + layer);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("stage-2 budget R2 must not be negative, got " + keep);
        }
        this.layer = layer;
        this.keep = keep;
        this.ratio = Double.NaN;
        this.renumber = renumber;
    }

    private MiddleLayerPruner(int layer, double ratio, boolean renumber) {
        if (layer < 1) {
            throw new IllegalArgumentException("stage-2 layer must be at least 1, got " + layer);
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("stage-2 ratio must be in (0, 1], got " + ratio);
        }
        this.layer = layer;
        this.keep = -1;
        this.ratio = ratio;
        this.renumber = renumber;
    }

    /**
     * The authors' Qwen convention: keeps {@code int(ratio * present)} (at least one) of the visual tokens
     * present when it runs, over the whole prompt.
     */
    public static MiddleLayerPruner ofRatio(int layer, double ratio, boolean renumber) {
        return new MiddleLayerPruner(layer, ratio, renumber);
    }

    public int layer() {
        return layer;
    }

    /** Tokens kept over the prompt; -1 when a ratio sizes the cut ({@link #ofRatio}). */
    public int keep() {
        return keep;
    }

    @Override
    public int[] pruneAfterLayers() {
        return new int[] {layer};
    }

    @Override
    public PruneDecision decide(PruneContext context) {
        int[] visual = context.visualTokens();
        int count = keep >= 0 ? keep : Math.max(1, (int) (ratio * visual.length));
        // Skip the scoring pass when nothing would be dropped.
        int[] kept = count >= visual.length ? visual
                : VisualTokenRanking.top(context.nextLayerAttention().get(), visual, count);
        return new PruneDecision(kept, renumber);
    }

    @Override
    public String toString() {
        return "MiddleLayerPruner[layer=" + layer + (keep >= 0 ? ", keep=" + keep : ", ratio=" + ratio)
                + ", renumber=" + renumber + "]";
    }
}
