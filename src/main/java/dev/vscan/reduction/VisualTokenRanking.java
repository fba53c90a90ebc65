package dev.vscan.reduction;

import java.util.Arrays;

/** Picks the highest-scoring visual tokens of a sequence, the step shared by every stage-2 pruner. */
public final class VisualTokenRanking {

    private VisualTokenRanking() {}

    /**
     * The {@code keep} visual tokens with the highest score, returned in ascending sequence order.
     * Equal scores go to the lower sequence index, so the choice is deterministic.
     *
     * @param scores       one score per sequence position (at least as long as the largest visual index)
     * @param visualTokens ascending sequence indices of the visual tokens to rank
     * @param keep         how many to keep; all of them when it is at least their number
     */
    public static int[] top(float[] scores, int[] visualTokens, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("cannot keep a negative number of visual tokens: " + keep);
        }
        if (keep >= visualTokens.length) {
            return visualTokens.clone();
        }
        for (int v : visualTokens) {
            if (v < 0 || v >= scores.length) {
                throw new IllegalArgumentException("visual token " + v + " has no score: " + scores.length
                        + " scores were given");
            }
        }
        Integer[] order = new Integer[visualTokens.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = visualTokens[i];
        }
        // Descending score, then ascending index; Float.compare also orders NaN deterministically.
        Arrays.sort(order, (a, b) -> {
            int byScore = Float.compare(scores[b], scores[a]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            kept[i] = order[i];
        }
        Arrays.sort(kept);
        return kept;
    }
}
