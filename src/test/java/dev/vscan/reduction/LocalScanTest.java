package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LocalScanTest {

    /**
     * An 8x8 grid cut into 4x4 windows of 2x2 patches. Every score is 0 except a few, so most
     * windows are all ties and keep their top-left (lowest-index) patch.
     */
    private static float[] scores8x8() {
        float[] s = new float[64];
        s[9] = 0.5f;                 // window 0 {0,1,8,9}
        s[3] = 0.2f;                 // window 1 {2,3,10,11}: 3 and 10 tie, 3 is lower
        s[10] = 0.2f;
        s[27] = 0.9f;                // window 5 {18,19,26,27}
        s[19] = 0.4f;
        s[62] = 0.3f;                // window 15 {54,55,62,63}: 62 and 63 tie
        s[63] = 0.3f;
        s[45] = 0.1f;                // window 10 {36,37,44,45}
        return s;
    }

    @Test
    void keepsTheBestPatchOfEachWindowWhenTheBudgetIsOnePerWindow() {
        int[] kept = new LocalScan(4, 4).select(scores8x8(), 8, 8, 16);
        assertArrayEquals(new int[] {3, 4, 6, 9, 16, 20, 22, 27, 32, 34, 38, 45, 48, 50, 52, 62}, kept);
    }

    @Test
    void remainderGoesToWindowsWithTheBestNextCandidateSoExactlyTheBudgetIsKept() {
        // 20 = 16 * 1 + 4: windows 5 (next 19 at 0.4), 15 (63 at 0.3), 1 (10 at 0.2) get one more each,
        // then every other next candidate scores 0 and window 0 (lowest index) gets patch 0
        int[] kept = new LocalScan(4, 4).select(scores8x8(), 8, 8, 20);
        assertArrayEquals(new int[] {0, 3, 4, 6, 9, 10, 16, 19, 20, 22, 27, 32, 34, 38, 45, 48, 50, 52, 62, 63}, kept);
    }

    @Test
    void budgetBelowTheWindowCountGoesToTheWindowsWithTheBestPatches() {
        int[] kept = new LocalScan(4, 4).select(scores8x8(), 8, 8, 3);
        assertArrayEquals(new int[] {9, 27, 62}, kept);
    }

    @Test
    void leftoverRowsAndColumnsFoldIntoTheLastWindow() {
        // 5x5 grid, 2x2 windows: rows/cols {0,1} and {2,3,4}; score = patch index
        float[] s = new float[25];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        assertArrayEquals(new int[] {6, 9, 21, 24}, new LocalScan(2, 2).select(s, 5, 5, 4));
    }

    @Test
    void aWindowTooSmallForItsSharePassesTheShortfallOn() {
        // 3x3 grid, 2x2 windows of sizes 1, 2, 2, 4; 8 = 4 * 2 but window 0 holds only patch 0
        float[] s = new float[9];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 5, 6, 7, 8}, new LocalScan(2, 2).select(s, 3, 3, 8));
    }

    @Test
    void rejectsAWindowGridLargerThanThePatchGrid() {
        assertThrows(IllegalArgumentException.class, () -> new LocalScan(4, 4).select(new float[9], 3, 3, 2));
    }

    @Test
    void rejectsScoresOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new LocalScan(2, 2).select(new float[15], 4, 4, 2));
    }
}
