package dev.vscan.reduction;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;

/**
 * A pruner that keeps a fixed choice of visual tokens, given by their rank among the sequence's
 * visual tokens (0 = first visual token), so tests can separate selection from the engine's handling.
 */
final class FixedPruner implements SequencePruner {

    private final int layer;
    private final int[] keptRanks;
    private final boolean renumber;

    FixedPruner(int layer, int[] keptRanks, boolean renumber) {
        this.layer = layer;
        this.keptRanks = keptRanks.clone();
        this.renumber = renumber;
    }

    @Override
    public int[] pruneAfterLayers() {
        return new int[] {layer};
    }

    @Override
    public PruneDecision decide(PruneContext context) {
        int[] kept = new int[keptRanks.length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = context.visualTokens()[keptRanks[i]];
        }
        return new PruneDecision(kept, renumber);
    }
}
