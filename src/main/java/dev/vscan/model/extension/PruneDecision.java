package dev.vscan.model.extension;

import java.util.Arrays;

/**
 * Which visual tokens survive a pruning point.
 *
 * @param keptVisualTokens  sequence indices, a subset of the context's visual tokens, ascending
 * @param renumberPositions true to give the survivors contiguous positions from here on (VScan's
 *                          reference convention), false to keep their original positions (FastV)
 */
public record PruneDecision(int[] keptVisualTokens, boolean renumberPositions) {

    public PruneDecision {
        keptVisualTokens = keptVisualTokens.clone();
        for (int i = 1; i < keptVisualTokens.length; i++) {
            if (keptVisualTokens[i] <= keptVisualTokens[i - 1]) {
                throw new IllegalArgumentException("kept visual tokens must be strictly ascending: "
                        + Arrays.toString(keptVisualTokens));
            }
        }
    }
}
