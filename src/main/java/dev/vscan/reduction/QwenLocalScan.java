package dev.vscan.reduction;

import java.util.Arrays;

/**
 * VScan's local scan as its Qwen2.5-VL code does it: the merged tokens are visited in decreasing
 * local score over the whole image, and a token is taken while its window holds fewer than
 * {@link QwenWindows#cap} picks, until the wanted number is taken. Unlike LLaVA's {@link LocalScan},
 * a window can end with fewer picks than the others when its tokens score low.
 *
 * <p>Ties go to the lower token index (the reference's unstable argsort leaves them open). When the
 * capped pass cannot reach the count (edge windows larger than the rest, with a budget close to the
 * token count), the reference fails its assertion; here the best tokens not yet taken fill the rest,
 * whatever their window.
 */
public final class QwenLocalScan {

    /**
     * @param scores  per merged token, raster order
     * @param windows the image's window grid
     * @param keep    tokens to take
     * @return the taken tokens, ascending
     */
    public int[] select(float[] scores, QwenWindows windows, int keep) {
        int tokens = windows.tokens();
        PatchRanking.checkScores("local-scan", scores, tokens);
        if (keep < 0 || keep > tokens) {
            throw new IllegalArgumentException("local scan asked to keep " + keep + " of " + tokens + " tokens");
        }
        Integer[] order = PatchRanking.rank(allTokens(tokens), scores);
        int cap = windows.cap(keep);
        int[] perWindow = new int[windows.count()];
        boolean[] taken = new boolean[tokens];
        int[] picks = new int[keep];
        int n = 0;
        for (int i = 0; i < tokens && n < keep; i++) {
            int w = windows.windowOf(order[i]);
            if (perWindow[w] < cap) {
                perWindow[w]++;
                taken[order[i]] = true;
                picks[n++] = order[i];
            }
        }
        for (int i = 0; i < tokens && n < keep; i++) {
            if (!taken[order[i]]) {
                picks[n++] = order[i];
            }
        }
        Arrays.sort(picks);
        return picks;
    }

    private static int[] allTokens(int tokens) {
        int[] all = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            all[i] = i;
        }
        return all;
    }
}
