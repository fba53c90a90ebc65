package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScanSettingsTest {

    @Test
    void defaultsFollowTheLayerRuleForClipLargeAndTheTinyTower() {
        assertEquals(new ScanSettings(5, 22, 4, 4, 0.5), ScanSettings.defaults(24));
        assertEquals(new ScanSettings(0, 2, 4, 4, 0.5), ScanSettings.defaults(4));
    }

    @Test
    void halfShareSplitsLikeTheReference() {
        ScanSettings s = ScanSettings.defaults(24);
        assertEquals(48, s.localCount(96));
        assertEquals(16, s.localCount(33));
        assertEquals(17, s.globalCount(33));
    }

    @Test
    void otherSharesRoundTheLocalPartDown() {
        ScanSettings s = new ScanSettings(5, 22, 4, 4, 0.3);
        assertEquals(7, s.localCount(10));
        assertEquals(3, s.globalCount(10));
        assertEquals(0, new ScanSettings(5, 22, 4, 4, 1.0).localCount(64));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> new ScanSettings(-1, 22, 4, 4, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ScanSettings(5, 22, 0, 4, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ScanSettings(5, 22, 4, 4, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new ScanSettings(5, 22, 4, 4, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ScanSettings.defaults(1));
    }
}
