package dev.vscan.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.extension.VisualPositions;
import dev.vscan.reduction.ReductionMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodGridTest {

    @Test
    void theStandardGridRunsEachReductionUnderBothPositionSettingsButFastVOnce() {
        List<EvaluatedMethod> grid = MethodGrid.standard();

        assertEquals("none", grid.get(0).label());
        // 7 reductions x 3 budgets with published positions, then 6 x 3 with original ones (FastV's are already)
        assertEquals(1 + 21 + 18, grid.size());
        assertTrue(grid.stream().noneMatch(m -> m.method() == ReductionMethod.FASTV
                && m.positions() == VisualPositions.ORIGINAL));
        assertEquals("vscan (orig. pos.)@33%", grid.get(22).label());
    }

    @Test
    void oneSettingGivesOneRowPerMethodAndBudget() {
        List<EvaluatedMethod> grid = MethodGrid.of(List.of(ReductionMethod.VSCAN, ReductionMethod.FASTV),
                List.of(0.5), List.of(VisualPositions.ORIGINAL));

        assertEquals(List.of("vscan (orig. pos.)@50%", "fastv (orig. pos.)@50%"),
                grid.stream().map(EvaluatedMethod::label).toList());
    }
}
