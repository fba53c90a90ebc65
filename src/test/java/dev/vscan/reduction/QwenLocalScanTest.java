package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QwenLocalScanTest {

    private final QwenLocalScan scan = new QwenLocalScan();

    /** Rises with the raster index, so the bottom-right window holds the best tokens. */
    private static float[] rising(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return s;
    }

    @Test
    void tokensAreTakenBestFirstUntilTheirWindowIsFull() {
        // 8x8 tokens, 2x2 windows, 6 picks: cap 2. Window 3 (bottom right) fills with 63, 62; window 2
        // with 59, 58; then 31, 30 from window 1, and window 0 ends with none
        int[] picks = scan.select(rising(64), QwenWindows.of(8, 8), 6);
        assertArrayEquals(new int[] {30, 31, 58, 59, 62, 63}, picks);
    }

    @Test
    void tiesGoToTheLowerIndex() {
        float[] flat = new float[64];
        Arrays.fill(flat, 0.5f);
        // cap 1: the first token of each window in raster order
        assertArrayEquals(new int[] {0, 4, 32, 36}, scan.select(flat, QwenWindows.of(8, 8), 4));
        assertArrayEquals(new int[] {0, 1, 2}, scan.select(Arrays.copyOf(flat, 16), QwenWindows.of(4, 4), 3));
    }

    @Test
    void whenTheCappedPassFallsShortTheBestRemainingTokensFillIt() {
        // 9x8: windows of 16, 16, 20 and 20 tokens; 70 picks, cap 18, so the capped pass takes 68;
        // the two best tokens left are 37 and 36 (window 3), so only 32 and 33 (window 2) are dropped
        int[] picks = scan.select(rising(72), QwenWindows.of(9, 8), 70);
        int[] expected = IntStream.range(0, 72).filter(t -> t != 32 && t != 33).toArray();
        assertArrayEquals(expected, picks);
    }

    @Test
    void aGridSmallerThanAWindowIsOneWindow() {
        // 2x3 tokens, one window: the plain top 2
        float[] s = {0.1f, 0.9f, 0.3f, 0.8f, 0.2f, 0.4f};
        assertArrayEquals(new int[] {1, 3}, scan.select(s, QwenWindows.of(2, 3), 2));
    }

    @Test
    void keepingNoneOrAllNeedsNoScan() {
        assertArrayEquals(new int[0], scan.select(rising(16), QwenWindows.of(4, 4), 0));
        assertArrayEquals(IntStream.range(0, 16).toArray(), scan.select(rising(16), QwenWindows.of(4, 4), 16));
    }

    @Test
    void rejectsBadCountsAndScores() {
        assertThrows(IllegalArgumentException.class, () -> scan.select(rising(16), QwenWindows.of(4, 4), 17));
        assertThrows(IllegalArgumentException.class, () -> scan.select(rising(15), QwenWindows.of(4, 4), 2));
        float[] nan = rising(16);
        nan[3] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> scan.select(nan, QwenWindows.of(4, 4), 2));
    }
}
