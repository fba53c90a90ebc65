package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.checkpoint.QwenCheckpointPreset;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.VisualPositions;
import org.junit.jupiter.api.Test;

/** Plans on Qwen2.5-VL: counts per image and over the prompt, shares per image, ids always kept. */
class QwenPlanTest {

    /** Four vision blocks with full attention in 1 and 3, as the reference checkpoint. */
    private static final QwenVisionConfig VISION = QwenCheckpointPreset.TINY.vision();

    private static ReductionPlan plan(ReductionConfig config, int... imageTokens) {
        return ReductionPlan.ofQwen(config, VISION, 4, imageTokens);
    }

    @Test
    void explicitR1CountsPerImageAndR2OverThePrompt() {
        ReductionPlan plan = plan(ReductionConfig.explicit(ReductionMethod.VSCAN, 36, 23, 2), 72, 72);
        QwenVScanReducer stage1 = assertInstanceOf(QwenVScanReducer.class, plan.scoredReducer());
        assertEquals(36, stage1.keeps(72));
        assertEquals(10, stage1.keeps(10), "an image smaller than r1 keeps all of itself");
        MiddleLayerPruner stage2 = assertInstanceOf(MiddleLayerPruner.class, plan.pruner());
        assertEquals(23, stage2.keep());
        assertEquals(VisualPositions.ORIGINAL, plan.positions());
    }

    @Test
    void aShareIsAppliedToEachImageByLlavasRule() {
        // a third of a 72-token image averages 24: r1 = 36, and r2 = 2 x 24 - 36 = 12 after layer 2 of 4
        ReductionPlan plan = plan(ReductionConfig.fraction(ReductionMethod.VSCAN, 1 / 3.0), 72, 144);
        QwenVScanReducer stage1 = (QwenVScanReducer) plan.scoredReducer();
        assertEquals(36, stage1.keeps(72));
        assertEquals(72, stage1.keeps(144));
        assertEquals(12 + 24, ((MiddleLayerPruner) plan.pruner()).keep());
    }

    @Test
    void theBaselinesPruneInTheDecoderOnly() {
        ReductionPlan fastv = plan(ReductionConfig.fraction(ReductionMethod.FASTV, 0.75), 72);
        assertSame(ScoredTokenReducer.NONE, fastv.scoredReducer());
        assertEquals(36, assertInstanceOf(FastVPruner.class, fastv.pruner()).keep());
        ReductionPlan pdrop = plan(ReductionConfig.fraction(ReductionMethod.PDROP, 0.5), 72);
        assertArrayEquals(new int[] {1, 2, 3}, pdrop.pruner().pruneAfterLayers());
        IllegalArgumentException zip = assertThrows(IllegalArgumentException.class,
                () -> plan(ReductionConfig.fraction(ReductionMethod.VISIONZIP, 0.5), 72));
        assertTrue(zip.getMessage().contains("[CLS]"), zip.getMessage());
    }

    @Test
    void nothingAskedKeepsEverything() {
        ReductionPlan none = plan(ReductionConfig.none(), 72);
        assertSame(ScoredTokenReducer.NONE, none.scoredReducer());
        assertFalse(none.pruner().pruneAfterLayers().length > 0);
    }
}
