package dev.vscan.model.extension;

/** Stage-2 extension point: drops visual tokens of one sequence after chosen decoder layers. */
public interface SequencePruner {

    SequencePruner NONE = new SequencePruner() {
        @Override
        public int[] pruneAfterLayers() {
            return new int[0];
        }

        @Override
        public PruneDecision decide(PruneContext context) {
            return new PruneDecision(context.visualTokens(), false);
        }
    };

    /** Counts of decoder layers after which {@link #decide} is called, ascending, each in 1..L-1. */
    int[] pruneAfterLayers();

    PruneDecision decide(PruneContext context);
}
