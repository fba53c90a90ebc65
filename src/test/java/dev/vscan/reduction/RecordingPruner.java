package dev.vscan.reduction;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import java.util.ArrayList;
import java.util.List;

/** Passes every call to another pruner and remembers what it was shown and what it decided. */
public final class RecordingPruner implements SequencePruner {

    public record Call(int layersDone, int[] visualTokens, int sequenceLength, PruneDecision decision) {}

    private final SequencePruner delegate;
    private final List<Call> calls = new ArrayList<>();

    public RecordingPruner(SequencePruner delegate) {
        this.delegate = delegate;
    }

    public List<Call> calls() {
        return calls;
    }

    @Override
    public int[] pruneAfterLayers() {
        return delegate.pruneAfterLayers();
    }

    @Override
    public PruneDecision decide(PruneContext context) {
        PruneDecision decision = delegate.decide(context);
        calls.add(new Call(context.layersDone(), context.visualTokens(), context.sequenceLength(), decision));
        return decision;
    }
}
