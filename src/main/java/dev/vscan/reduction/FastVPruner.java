package dev.vscan.reduction;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;

/**
 * FastV: after decoder layer K keeps the {@code keep} visual tokens with the highest head-mean
 * attention from the last prompt token in the layer that just ran. Survivors keep their original
 * positions. Stateless.
 */
public final class FastVPruner implements SequencePruner {

    /** FastV's usual choice of K. */
    public static final int DEFAULT_LAYER = 2;

    private final int layer;
    private final int keep;

    /**
     * @param layer decoder layers run before pruning (K)
     * @param keep  visual tokens kept over the whole prompt (R)
     */
    public FastVPruner(int layer, int keep) {
        if (layer < 1) {
            throw new IllegalArgumentException("FastV layer K must be at least 1, got " + layer);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("FastV budget R must not be negative, got " + keep);
        }
        this.layer = layer;
        this.keep = keep;
    }

    /** Prunes after layer {@link #DEFAULT_LAYER}. */
    public FastVPruner(int keep) {
        this(DEFAULT_LAYER, keep);
    }

    public int layer() {
        return layer;
    }

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
        int[] kept = keep >= visual.length ? visual
                : VisualTokenRanking.top(context.lastLayerAttention().get(), visual, keep);
        return new PruneDecision(kept, false);
    }

    @Override
    public String toString() {
        return "FastVPruner[layer=" + layer + ", keep=" + keep + "]";
    }
}
