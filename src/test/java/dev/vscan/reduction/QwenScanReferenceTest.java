package dev.vscan.reduction;

import static dev.vscan.reduction.QwenScanFixture.floats;
import static dev.vscan.reduction.QwenScanFixture.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Stage 1 of VScan's Qwen2.5-VL code on the scores of the tiny reference tower, one image (9x8 merged
 * tokens) and each image of the two-image prompt (9x8 and 8x9), at the fixture's ratio 0.5.
 */
class QwenScanReferenceTest {

    private final QwenScan scan = new QwenScan(ScanMode.BOTH);

    @Test
    void theOneImagePromptSelectsTheReferencesTokens() {
        assertSelects(QwenScanFixture.vscan(), QwenScanFixture.IMAGE1_GRID);
    }

    @Test
    void eachImageOfTheTwoImagePromptSelectsWithinItself() {
        assertSelects(QwenScanFixture.perImage(0), QwenScanFixture.IMAGE1_GRID);
        assertSelects(QwenScanFixture.perImage(1), QwenScanFixture.IMAGE2_GRID);
    }

    @Test
    void theBudgetSplitIsTheReferences() {
        JsonNode vscan = QwenScanFixture.vscan();
        int r1 = QwenScan.r1(vscan.get("r1_ratio").asDouble(), 72);
        assertEquals(vscan.get("r1").asInt(), r1);
        assertEquals(vscan.get("n_local").asInt(), scan.localCount(r1));
        assertEquals(vscan.get("n_global").asInt(), r1 - scan.localCount(r1));
        assertEquals(vscan.get("window_merged_tokens").asInt(), QwenWindows.REFERENCE_SIDE);
    }

    @Test
    void theClosestDecisionsAreTheReferencesGaps() {
        // the fixture's distance from a tie, recomputed from our picks: equal gaps mean the same
        // comparisons decided the picks (same windows, same cut)
        for (int i = 0; i < 2; i++) {
            JsonNode image = QwenScanFixture.perImage(i);
            int[] grid = i == 0 ? QwenScanFixture.IMAGE1_GRID : QwenScanFixture.IMAGE2_GRID;
            float[] local = floats(image.get("stage1_local_scores"));
            float[] global = floats(image.get("stage1_global_scores"));
            ScanSelection s = scan.select(local, global, grid[0], grid[1], image.get("r1").asInt());
            QwenWindows windows = QwenWindows.of(grid[0], grid[1]);
            assertEquals(image.get("stage1_local_min_relative_gap").asDouble(),
                    localGap(local, windows, s.local()), 1e-5);
            assertEquals(image.get("stage1_global_relative_gap").asDouble(),
                    globalGap(global, s.local(), s.global()), 1e-5);
        }
    }

    private void assertSelects(JsonNode expected, int[] grid) {
        int r1 = QwenScan.r1(0.5, grid[0] * grid[1]);
        assertEquals(expected.get("r1").asInt(), r1);
        ScanSelection s = scan.select(floats(expected.get("stage1_local_scores")),
                floats(expected.get("stage1_global_scores")), grid[0], grid[1], r1);
        assertArrayEquals(ints(expected.get("local_indices")), s.local());
        assertArrayEquals(ints(expected.get("global_indices")), s.global());
        assertArrayEquals(ints(expected.get("kept_after_stage1")), s.kept());
    }

    /**
     * Smallest (a - b) / a over the comparisons that decide the local picks: in a full window its
     * weakest pick against its best non-pick; in any other window the weakest pick overall against
     * the window's best non-pick.
     */
    private static double localGap(float[] scores, QwenWindows windows, int[] picks) {
        boolean[] picked = new boolean[scores.length];
        double weakest = Double.MAX_VALUE;
        for (int p : picks) {
            picked[p] = true;
            weakest = Math.min(weakest, scores[p]);
        }
        int cap = windows.cap(picks.length);
        double gap = Double.MAX_VALUE;
        for (int w = 0; w < windows.count(); w++) {
            int count = 0;
            double weakestHere = Double.MAX_VALUE;
            double bestLeft = -1;
            for (int t : windows.members(w)) {
                if (picked[t]) {
                    count++;
                    weakestHere = Math.min(weakestHere, scores[t]);
                } else {
                    bestLeft = Math.max(bestLeft, scores[t]);
                }
            }
            if (bestLeft >= 0) {
                double a = count >= cap ? weakestHere : weakest;
                gap = Math.min(gap, (a - bestLeft) / a);
            }
        }
        return gap;
    }

    /** (a - b) / a between the weakest global pick and the best token neither scan took. */
    private static double globalGap(float[] scores, int[] local, int[] global) {
        boolean[] taken = new boolean[scores.length];
        double a = Double.MAX_VALUE;
        for (int p : local) {
            taken[p] = true;
        }
        for (int p : global) {
            taken[p] = true;
            a = Math.min(a, scores[p]);
        }
        double b = -1;
        for (int t = 0; t < scores.length; t++) {
            if (!taken[t]) {
                b = Math.max(b, scores[t]);
            }
        }
        return (a - b) / a;
    }
}
