package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Selection and layer requests of the reducer on a 4x4 grid cut into 2x2 windows, R1 = 6. */
class VScanReducerTest {

    private static final ScanSettings SETTINGS = new ScanSettings(0, 2, 2, 2, 0.5);

    /** Rises with the patch index: each window's best patch is its bottom-right one. */
    private static float[] rising() {
        float[] s = new float[16];
        for (int i = 0; i < 16; i++) {
            s[i] = i;
        }
        return s;
    }

    /** Falls with the patch index: the global scan prefers the top rows. */
    private static float[] falling() {
        float[] s = new float[16];
        for (int i = 0; i < 16; i++) {
            s[i] = 16 - i;
        }
        return s;
    }

    @Test
    void bothScansSplitTheBudgetAndTheKeptSetIsTheirUnionInRasterOrder() {
        ScanSelection s = new VScanReducer(6, SETTINGS, true, ScanMode.BOTH).select(rising(), falling(), 4, 4);
        // 3 local picks for 4 windows: the windows whose best patches (5, 7, 13, 15) score highest
        assertArrayEquals(new int[] {7, 13, 15}, s.local());
        assertArrayEquals(new int[] {0, 1, 2}, s.global());
        assertArrayEquals(new int[] {0, 1, 2, 7, 13, 15}, s.kept());
    }

    @Test
    void ablationsFillTheWholeBudgetFromOneScan() {
        ScanSelection global = new VScanReducer(6, SETTINGS, true, ScanMode.GLOBAL_ONLY).select(null, falling(), 4, 4);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, global.kept());
        assertEquals(0, global.local().length);

        ScanSelection local = new VScanReducer(6, SETTINGS, true, ScanMode.LOCAL_ONLY).select(rising(), null, 4, 4);
        assertArrayEquals(new int[] {5, 7, 12, 13, 14, 15}, local.kept());
        assertEquals(0, local.global().length);
    }

    @Test
    void aBudgetOfAllPatchesKeepsEveryPatch() {
        ScanSelection s = new VScanReducer(100, SETTINGS, true, ScanMode.BOTH).select(rising(), falling(), 4, 4);
        assertEquals(16, s.kept().length);
    }

    @Test
    void asksOnlyForTheAttentionLayersItsModeReads() {
        assertEquals(Set.of(0, 2), new VScanReducer(6, SETTINGS, true, ScanMode.BOTH).attentionLayers(3));
        assertEquals(Set.of(2), new VScanReducer(6, SETTINGS, true, ScanMode.GLOBAL_ONLY).attentionLayers(3));
        assertEquals(Set.of(0), new VScanReducer(6, SETTINGS, true, ScanMode.LOCAL_ONLY).attentionLayers(3));
    }

    @Test
    void rejectsScanLayersTheTowerDoesNotRun() {
        VScanReducer reducer = new VScanReducer(6, ScanSettings.defaults(24), true, ScanMode.BOTH);
        assertThrows(IllegalArgumentException.class, () -> reducer.attentionLayers(12));
        assertThrows(IllegalArgumentException.class, () -> new VScanReducer(0, SETTINGS, true, ScanMode.BOTH));
    }
}
