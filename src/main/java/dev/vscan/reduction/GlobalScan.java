package dev.vscan.reduction;

import java.util.Arrays;

/**
 * VScan's global scan: the patches with the highest deep-layer score over the whole image, skipping
 * those the local scan already kept.
 *
 * <p>The reference sets the local picks' scores to zero before its top-k; since the scores are
 * attention probabilities (>= 0) that ranks them last, but a zero-score patch could then tie with
 * them. Here they are excluded outright, so no patch is ever picked twice. Ties go to the lower
 * patch index.
 */
public final class GlobalScan {

    /**
     * @param scores   per-patch deep-layer score in raster order
     * @param excluded patches already kept (by the local scan)
     * @param keep     patches to keep
     * @return the kept patch indices, ascending, disjoint from {@code excluded}
     */
    public int[] select(float[] scores, int[] excluded, int keep) {
        if (scores == null) {
            throw new IllegalArgumentException("global scan needs deep-layer scores, got none");
        }
        int patches = scores.length;
        PatchRanking.checkScores("global-scan", scores, patches);
        boolean[] skip = new boolean[patches];
        int skipped = 0;
        for (int p : excluded) {
            if (p < 0 || p >= patches) {
                throw new IllegalArgumentException("excluded patch " + p + " is outside 0.." + (patches - 1));
            }
            if (!skip[p]) {
                skip[p] = true;
                skipped++;
            }
        }
        if (keep < 0 || keep > patches - skipped) {
            throw new IllegalArgumentException("global scan asked to keep " + keep + " patches but only "
                    + (patches - skipped) + " of " + patches + " are not already kept");
        }
        int[] candidates = new int[patches - skipped];
        for (int p = 0, c = 0; p < patches; p++) {
            if (!skip[p]) {
                candidates[c++] = p;
            }
        }
        Integer[] ranked = PatchRanking.rank(candidates, scores);
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            kept[i] = ranked[i];
        }
        Arrays.sort(kept);
        return kept;
    }
}
