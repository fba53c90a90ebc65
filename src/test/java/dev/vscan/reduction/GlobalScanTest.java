package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GlobalScanTest {

    private final GlobalScan scan = new GlobalScan();

    @Test
    void keepsTheTopScoresSkippingTheLocalPicksWithTiesToTheLowerIndex() {
        float[] s = {0.1f, 0.5f, 0.5f, 0.0f, 0.9f, 0.0f, 0.3f, 0.5f};
        assertArrayEquals(new int[] {1, 2, 7}, scan.select(s, new int[] {4}, 3));
        assertArrayEquals(new int[] {1, 2, 6, 7}, scan.select(s, new int[] {4}, 4));
    }

    @Test
    void neverPicksALocalPickEvenWhenItsZeroedScoreWouldTie() {
        // zeroing patch 1 (as the reference does) would tie it with 2 and 3 and a stable top-k takes it
        float[] s = {0.2f, 0.7f, 0f, 0f};
        assertArrayEquals(new int[] {0, 2, 3}, scan.select(s, new int[] {1}, 3));
    }

    @Test
    void rejectsABudgetLargerThanThePatchesLeft() {
        assertThrows(IllegalArgumentException.class, () -> scan.select(new float[4], new int[] {0, 1}, 3));
    }
}
