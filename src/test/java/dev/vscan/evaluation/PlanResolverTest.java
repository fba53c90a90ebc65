package dev.vscan.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.reduction.Budget;
import dev.vscan.reduction.ReductionMethod;
import org.junit.jupiter.api.Test;

class PlanResolverTest {

    // 256 visual tokens per image, 4 decoder layers.
    private final PlanResolver resolver = new PlanResolver(TinyCheckpointPreset.SHAPES.config());

    @Test
    void vscanMeetsTheAverageBudgetExactly() {
        PlanResolver.Resolved resolved = resolver.resolve(new EvaluatedMethod(ReductionMethod.VSCAN, 1 / 9.0), 1);

        // 28 tokens on average: R1 = 42 through layers 0-1, R2 = 14 through layers 2-3.
        assertEquals(new Budget(42, 14, 2), resolved.plan().budget());
        assertEquals("", resolved.note());
    }

    @Test
    void fastvOutOfReachKeepsTheBudgetAfterItsLayerAndSaysSo() {
        PlanResolver.Resolved resolved = resolver.resolve(new EvaluatedMethod(ReductionMethod.FASTV, 1 / 9.0), 1);

        assertEquals(new Budget(256, 28, 2), resolved.plan().budget());
        assertTrue(resolved.note().contains("keeps 28 tokens after layer 2"), resolved.note());
    }

    @Test
    void pdropWithinReachIsAnAverage() {
        PlanResolver.Resolved resolved = resolver.resolve(new EvaluatedMethod(ReductionMethod.PDROP, 1 / 3.0), 1);

        assertEquals("", resolved.note());
        Budget b = resolved.plan().budget();
        double ratio = b.pyramidRatio();
        double average = (256 + 256 * ratio + 256 * ratio * ratio + 256 * ratio * ratio * ratio) / 4;
        assertEquals(256 / 3.0, average, 1.5);
    }

    @Test
    void noneKeepsEverything() {
        LlavaConfig config = TinyCheckpointPreset.SHAPES.config();
        PlanResolver.Resolved resolved = new PlanResolver(config).resolve(new EvaluatedMethod(ReductionMethod.NONE, 1), 2);

        assertEquals(ReductionMethod.NONE, resolved.plan().method());
    }
}
