package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualPositions;
import org.junit.jupiter.api.Test;

/** How the positions setting travels from a request's reduction config into the plan's pieces. */
class PositionsPlanTest {

    // 256 visual tokens per image, 4 decoder layers
    private final LlavaConfig model = TinyCheckpointPreset.SHAPES.config();

    /** A sequence of 10 tokens whose visual tokens are 2..7, the last prompt token attending most to 7, then 6. */
    private static PruneDecision decideAfter(SequencePruner pruner, int layer) {
        float[] attention = {0, 0, .1f, .1f, .1f, .1f, .2f, .3f, 0, 0};
        return pruner.decide(new PruneContext(layer, new int[] {2, 3, 4, 5, 6, 7}, 10, () -> attention,
                () -> attention));
    }

    @Test
    void byDefaultVScanRenumbersAfterStageTwoAsItsReferenceCodeDoes() {
        ReductionPlan plan = ReductionPlan.of(ReductionConfig.explicit(ReductionMethod.VSCAN, 6, 2, 2), model, 1);

        assertEquals(VisualPositions.REFERENCE, plan.positions());
        PruneDecision decision = decideAfter(plan.pruner(), 2);
        assertEquals(java.util.List.of(6, 7), java.util.Arrays.stream(decision.keptVisualTokens()).boxed().toList());
        assertTrue(decision.renumberPositions());
    }

    @Test
    void originalPositionsReachStageTwoOfVScanAndPyramidDrop() {
        ReductionPlan vscan = ReductionPlan.of(ReductionConfig.explicit(ReductionMethod.VSCAN, 6, 2, 2)
                .withPositions(VisualPositions.ORIGINAL), model, 1);
        assertEquals(VisualPositions.ORIGINAL, vscan.positions());
        assertFalse(decideAfter(vscan.pruner(), 2).renumberPositions());

        ReductionPlan pdrop = ReductionPlan.of(ReductionConfig.fraction(ReductionMethod.PDROP, 1 / 3.0)
                .withPositions(VisualPositions.ORIGINAL), model, 1);
        for (int layer : pdrop.pruner().pruneAfterLayers()) {
            assertFalse(decideAfter(pdrop.pruner(), layer).renumberPositions(), "after layer " + layer);
        }
    }

    @Test
    void fastvKeepsPositionsUnderBothSettings() {
        for (VisualPositions setting : VisualPositions.values()) {
            ReductionPlan plan = ReductionPlan.of(ReductionConfig.explicit(ReductionMethod.FASTV, null, 2, 2)
                    .withPositions(setting), model, 1);
            assertFalse(decideAfter(plan.pruner(), 2).renumberPositions(), setting.wireName());
        }
    }

    @Test
    void originalPositionsNeedAReduction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReductionConfig.none().withPositions(VisualPositions.ORIGINAL));
        assertEquals("positions original applies to a reduction; method none drops no token", e.getMessage());
    }

    @Test
    void anUnknownSettingIsNamedWithTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisualPositions.parse("sideways"));
        assertEquals("positions 'sideways' is not one of reference, original", e.getMessage());
    }
}
