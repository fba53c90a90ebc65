package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class QwenWindowsTest {

    @Test
    void aNineByEightGridHasTwoByTwoWindowsWithTheNinthRowInTheBottomOnes() {
        QwenWindows windows = QwenWindows.of(9, 8);
        JsonNode vscan = QwenScanFixture.vscan();
        assertArrayEquals(QwenScanFixture.ints(vscan.get("local_window_grid")),
                new int[] {windows.windowRows(), windows.windowCols()});
        for (int w = 0; w < windows.count(); w++) {
            assertArrayEquals(QwenScanFixture.ints(vscan.get("local_windows").get(w)), windows.members(w));
        }
        assertEquals(vscan.get("local_window_cap").asInt(), windows.cap(vscan.get("n_local").asInt()));
    }

    @Test
    void anEightByNineGridFoldsItsNinthColumnIntoTheRightWindows() {
        QwenWindows windows = QwenWindows.of(8, 9);
        JsonNode image2 = QwenScanFixture.perImage(1);
        assertArrayEquals(QwenScanFixture.ints(image2.get("local_window_grid")),
                new int[] {windows.windowRows(), windows.windowCols()});
        assertEquals(image2.get("local_window_cap").asInt(), windows.cap(image2.get("n_local").asInt()));
        assertArrayEquals(new int[] {4, 5, 6, 7, 8, 13, 14, 15, 16, 17, 22, 23, 24, 25, 26, 31, 32, 33, 34, 35},
                windows.members(1));
        assertEquals(1, windows.windowOf(8));
        assertEquals(3, windows.windowOf(71));
    }

    @Test
    void everyTokenLiesInTheWindowThatListsIt() {
        QwenWindows windows = QwenWindows.of(11, 13);
        int seen = 0;
        for (int w = 0; w < windows.count(); w++) {
            for (int token : windows.members(w)) {
                assertEquals(w, windows.windowOf(token));
                seen++;
            }
        }
        assertEquals(windows.tokens(), seen);
    }

    @Test
    void aSideShorterThanAWindowGetsOneWindowAcrossIt() {
        // 3 rows: one window row; 9 columns: two window columns, the second five wide
        QwenWindows windows = QwenWindows.of(3, 9);
        assertEquals(1, windows.windowRows());
        assertEquals(2, windows.windowCols());
        assertArrayEquals(new int[] {0, 1, 2, 3, 9, 10, 11, 12, 18, 19, 20, 21}, windows.members(0));
        assertEquals(15, windows.members(1).length);

        QwenWindows tiny = QwenWindows.of(2, 2);
        assertEquals(1, tiny.count());
        assertArrayEquals(new int[] {0, 1, 2, 3}, tiny.members(0));
    }

    @Test
    void theCapRoundsUp() {
        QwenWindows windows = QwenWindows.of(8, 8);
        assertEquals(5, windows.cap(18));
        assertEquals(4, windows.cap(16));
        assertEquals(0, windows.cap(0));
    }

    @Test
    void rejectsEmptyGridsAndTokensOutside() {
        assertThrows(IllegalArgumentException.class, () -> QwenWindows.of(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new QwenWindows(4, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> QwenWindows.of(4, 4).windowOf(16));
        assertThrows(IllegalArgumentException.class, () -> QwenWindows.of(4, 4).members(1));
    }
}
