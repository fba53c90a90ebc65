package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Selection on an 8x8 merged grid (2x2 windows of 4x4 tokens). */
class QwenScanTest {

    /** Local scores rise with the index: the bottom-right window is best. */
    private static float[] rising() {
        float[] s = new float[64];
        for (int i = 0; i < 64; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    /** Global scores fall with the index: the top rows are best. */
    private static float[] falling() {
        float[] s = new float[64];
        for (int i = 0; i < 64; i++) {
            s[i] = 64 - i;
        }
        return s;
    }

    @Test
    void halfTheBudgetIsLocalAndTheGlobalScanSkipsTheLocalPicks() {
        // r1 12: 6 local picks, cap 2 (see QwenLocalScanTest), then the 6 best global scores
        ScanSelection s = new QwenScan(ScanMode.BOTH).select(rising(), falling(), 8, 8, 12);
        assertArrayEquals(new int[] {30, 31, 58, 59, 62, 63}, s.local());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, s.global());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 30, 31, 58, 59, 62, 63}, s.kept());

        // global picks that the local scan already holds are passed over
        ScanSelection overlap = new QwenScan(ScanMode.BOTH).select(rising(), rising(), 8, 8, 12);
        assertArrayEquals(new int[] {54, 55, 56, 57, 60, 61}, overlap.global());
    }

    @Test
    void anOddBudgetGivesTheExtraTokenToTheGlobalScan() {
        ScanSelection s = new QwenScan(ScanMode.BOTH).select(rising(), falling(), 8, 8, 5);
        assertEquals(2, s.local().length);
        assertEquals(3, s.global().length);
    }

    @Test
    void ablationsFillTheBudgetFromOneScanAndReadOnlyItsScores() {
        ScanSelection global = new QwenScan(ScanMode.GLOBAL_ONLY).select(null, falling(), 8, 8, 6);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, global.kept());
        assertEquals(0, global.local().length);

        ScanSelection local = new QwenScan(ScanMode.LOCAL_ONLY).select(rising(), null, 8, 8, 6);
        assertArrayEquals(new int[] {30, 31, 58, 59, 62, 63}, local.kept());
        assertEquals(0, local.global().length);
    }

    @Test
    void aBudgetAboveTheTokenCountKeepsEveryToken() {
        ScanSelection s = new QwenScan(ScanMode.BOTH).select(rising(), falling(), 8, 8, 100);
        assertArrayEquals(IntStream.range(0, 64).toArray(), s.kept());
        assertEquals(32, s.local().length);
    }

    @Test
    void theBudgetOfARatioIsTruncatedAsInPythonButNeverZero() {
        assertEquals(36, QwenScan.r1(0.5, 72));
        assertEquals(23, QwenScan.r1(0.333, 72));
        assertEquals(1, QwenScan.r1(0.1, 4));
        assertEquals(72, QwenScan.r1(1.0, 72));
        assertThrows(IllegalArgumentException.class, () -> QwenScan.r1(0, 72));
        assertThrows(IllegalArgumentException.class, () -> QwenScan.r1(1.5, 72));
    }

    @Test
    void rejectsMissingScoresAndEmptyBudgets() {
        QwenScan both = new QwenScan(ScanMode.BOTH);
        assertThrows(IllegalArgumentException.class, () -> both.select(rising(), null, 8, 8, 12));
        assertThrows(IllegalArgumentException.class, () -> both.select(null, falling(), 8, 8, 12));
        assertThrows(IllegalArgumentException.class, () -> both.select(rising(), falling(), 8, 8, 0));
    }
}
