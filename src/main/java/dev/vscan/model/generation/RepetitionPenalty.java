package dev.vscan.model.generation;

import java.util.BitSet;

/**
 * The CTRL repetition penalty as transformers applies it: every token id already in the sequence
 * (prompt and generated tokens alike) has its logit divided by the penalty when positive and
 * multiplied by it when negative, before the token is chosen. One instance per sequence; it keeps
 * the set of ids seen.
 */
final class RepetitionPenalty {

    private final float penalty;
    private final BitSet seen = new BitSet();

    RepetitionPenalty(double penalty, long[] promptIds) {
        this.penalty = (float) penalty;
        for (long id : promptIds) {
            seen.set((int) id);
        }
    }

    void saw(long token) {
        seen.set((int) token);
    }

    /** Penalises {@code logits} in place. */
    void apply(float[] logits) {
        for (int id = seen.nextSetBit(0); id >= 0 && id < logits.length; id = seen.nextSetBit(id + 1)) {
            logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
        }
    }
}
