package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ReductionConfigTest {

    @Test
    void parsesWireNamesAndListsThemOnError() {
        assertEquals(ReductionMethod.VSCAN_GLOBAL, ReductionMethod.parse("vscan-global"));
        assertEquals(ReductionMethod.FASTV, ReductionMethod.parse(" FastV "));
        assertEquals("vscan-nomerge", ReductionMethod.VSCAN_NOMERGE.wireName());
        String message = fails(() -> ReductionMethod.parse("tome"));
        assertTrue(message.contains("'tome'"), message);
        assertTrue(message.contains("none, vscan, fastv, pdrop, visionzip, vscan-global, vscan-local, vscan-nomerge"), message);
    }

    @Test
    void paperPresetsOn576TokensGiveTheSpecsCounts() {
        assertEquals(new Budget(288, 96, 16), ReductionConfig.paperPreset(ReductionMethod.VSCAN, 192).resolve(576, 32, 23));
        assertEquals(new Budget(192, 64, 16), ReductionConfig.paperPreset(ReductionMethod.VSCAN, 128).resolve(576, 32, 23));
        assertEquals(new Budget(96, 32, 16), ReductionConfig.paperPreset(ReductionMethod.VSCAN, 64).resolve(576, 32, 23));
        assertEquals(64.0, new Budget(96, 32, 16).average(32), 1e-12);
        assertEquals(new Budget(96, 32, 16), ReductionConfig.ofBudget(ReductionMethod.VSCAN_LOCAL, 64).resolve(576, 32, 23));
    }

    @Test
    void presetsScaleToAModelWith256TokensPerImage() {
        // 64/576 of 256 = 28.4 -> 28; R1 = 42; R2 = (28*32 - 16*42) / 16 = 14
        assertEquals(new Budget(42, 14, 16), ReductionConfig.paperPreset(ReductionMethod.VSCAN, 64).resolve(256, 32, 23));
    }

    @Test
    void oddLayerCountsKeepTheAverageThroughR2() {
        // L = 5, k = 2: R1 = 96, R2 = round((64*5 - 2*96) / 3) = round(42.67) = 43
        assertEquals(new Budget(96, 43, 2), ReductionConfig.ofBudget(ReductionMethod.VSCAN, 64).resolve(576, 5, 23));
    }

    @Test
    void r1IsCappedAtTheTokenCountAndR2RaisedToKeepTheAverage() {
        // R1 = min(576, 750); R2 = (500*32 - 16*576) / 16 = 424
        assertEquals(new Budget(576, 424, 16), ReductionConfig.ofBudget(ReductionMethod.VSCAN, 500).resolve(576, 32, 23));
    }

    @Test
    void noneKeepsEverythingAndTheDefaultIsOneNinth() {
        Budget none = ReductionConfig.none().resolve(576, 32, 23);
        assertEquals(576, none.r1());
        assertEquals(576, none.r2());
        assertEquals(new Budget(96, 32, 16),
                new ReductionConfig(ReductionMethod.VSCAN, null, null, null, null, null, null, null, null, null).resolve(576, 32, 23));
    }

    @Test
    void fastvKeepsAllTokensForTwoLayersThenWhatKeepsTheAverage() {
        // (64*32 - 2*576) / 30 = 29.87 -> 30
        assertEquals(new Budget(576, 30, 2), ReductionConfig.ofBudget(ReductionMethod.FASTV, 64).resolve(576, 32, 23));
        String message = fails(() -> ReductionConfig.ofBudget(ReductionMethod.FASTV, 30).resolve(576, 32, 23));
        assertTrue(message.contains("budget 30 is below what fastv can reach") && message.contains("at least 36"), message);
    }

    @Test
    void visionZipKeepsTheBudgetInEveryLayer() {
        assertEquals(new Budget(64, 64, 16), ReductionConfig.ofBudget(ReductionMethod.VISIONZIP, 64).resolve(576, 32, 23));
    }

    @Test
    void pyramidDropFindsTheRatioThatGivesTheAverage() {
        // 576 (1 + x + x^2 + x^3) / 4 = 192 -> x = 0.2531, 0.2531 * 576 = 145.8
        Budget b = ReductionConfig.ofBudget(ReductionMethod.PDROP, 192).resolve(576, 32, 23);
        assertEquals(new Budget(576, 146, 8), b);
        String message = fails(() -> ReductionConfig.ofBudget(ReductionMethod.PDROP, 128).resolve(576, 32, 23));
        assertTrue(message.contains("budget 128 is below what pdrop can reach") && message.contains("144"), message);
    }

    @Test
    void explicitCountsFillTheMethodsDefaults() {
        assertEquals(new Budget(576, 100, 2), ReductionConfig.explicit(ReductionMethod.FASTV, null, 100, null).resolve(576, 32, 23));
        assertEquals(new Budget(120, 40, 10), ReductionConfig.explicit(ReductionMethod.VSCAN, 120, 40, 10).resolve(576, 32, 23));
        assertEquals(new Budget(64, 64, 16), ReductionConfig.explicit(ReductionMethod.VISIONZIP, 64, null, null).resolve(576, 32, 23));
    }

    @Test
    void constructorMessagesNameTheValueAndTheReason() {
        assertMessage("exclude each other", () -> new ReductionConfig(ReductionMethod.VSCAN, 64, 96, null, null, null, null, null, null, null));
        assertMessage("r2 100 exceeds r1 50",
                () -> ReductionConfig.explicit(ReductionMethod.VSCAN, 50, 100, 16).resolve(576, 32, 23));
        assertMessage("layer 0 must be at least 1", () -> ReductionConfig.explicit(ReductionMethod.VSCAN, 96, 32, 0));
        assertMessage("budget 0 must be a positive", () -> ReductionConfig.ofBudget(ReductionMethod.VSCAN, 0));
        assertMessage("fraction 1.5 must be in (0, 1]", () -> ReductionConfig.fraction(ReductionMethod.VSCAN, 1.5));
        assertMessage("method none keeps every visual token", () -> ReductionConfig.ofBudget(ReductionMethod.NONE, 64));
        assertMessage("method fastv has none", () -> ReductionConfig.ofBudget(ReductionMethod.FASTV, 64).withScan(5, null, null));
        assertMessage("windows 0 must be at least 1", () -> ReductionConfig.ofBudget(ReductionMethod.VSCAN, 64).withScan(null, null, 0));
        assertMessage("paper budget 100 is not one of [192, 128, 64]", () -> ReductionConfig.paperPreset(ReductionMethod.VSCAN, 100));
    }

    @Test
    void resolveMessagesNameTheModelsLimits() {
        assertMessage("budget 600 exceeds the 576 visual tokens",
                () -> ReductionConfig.ofBudget(ReductionMethod.VSCAN, 600).resolve(576, 32, 23));
        assertMessage("r1 600 exceeds the 576 visual tokens",
                () -> ReductionConfig.explicit(ReductionMethod.VSCAN, 600, 32, 16).resolve(576, 32, 23));
        assertMessage("layer 32 must be in 1..31",
                () -> ReductionConfig.explicit(ReductionMethod.VSCAN, 96, 32, 32).resolve(576, 32, 23));
        assertMessage("r1 96 would reduce in stage 1, which fastv does not have",
                () -> ReductionConfig.explicit(ReductionMethod.FASTV, 96, 32, 2).resolve(576, 32, 23));
        assertMessage("deepLayer 23 is past the last vision layer that runs (22)",
                () -> ReductionConfig.ofBudget(ReductionMethod.VSCAN, 64).withScan(5, 23, 4).resolve(576, 32, 23));
        assertMessage("windows 25 per side exceeds the 24 patches per side",
                () -> ReductionConfig.ofBudget(ReductionMethod.VSCAN, 64).withScan(null, null, 25).resolve(576, 32, 23));
    }

    private static void assertMessage(String expected, Executable action) {
        String message = fails(action);
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }

    private static String fails(Executable action) {
        return assertThrows(IllegalArgumentException.class, action).getMessage();
    }
}
