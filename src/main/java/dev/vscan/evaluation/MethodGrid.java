package dev.vscan.evaluation;

import dev.vscan.reduction.ReductionMethod;
import java.util.ArrayList;
import java.util.List;

/** Which methods at which budgets an evaluation runs. */
public final class MethodGrid {

    /** The paper's 192 / 128 / 64 of 576 tokens, as shares: 33 %, 22 % and 11 %. */
    public static final List<Double> PAPER_FRACTIONS = List.of(1 / 3.0, 2 / 9.0, 1 / 9.0);

    public static final List<ReductionMethod> ALL_REDUCTIONS = List.of(ReductionMethod.VSCAN, ReductionMethod.FASTV,
            ReductionMethod.PDROP, ReductionMethod.VISIONZIP, ReductionMethod.VSCAN_GLOBAL, ReductionMethod.VSCAN_LOCAL,
            ReductionMethod.VSCAN_NOMERGE);

    private MethodGrid() {}

    /** {@code none} first (when listed), then each other method at every fraction. */
    public static List<EvaluatedMethod> of(List<ReductionMethod> methods, List<Double> fractions) {
        List<EvaluatedMethod> grid = new ArrayList<>();
        if (methods.contains(ReductionMethod.NONE)) {
            grid.add(new EvaluatedMethod(ReductionMethod.NONE, 1.0));
        }
        for (ReductionMethod method : methods) {
            if (method == ReductionMethod.NONE) {
                continue;
            }
            for (double fraction : fractions) {
                grid.add(new EvaluatedMethod(method, fraction));
            }
        }
        return grid;
    }

    /** {@code none} and every reduction at the paper's three shares. */
    public static List<EvaluatedMethod> standard() {
        List<ReductionMethod> methods = new ArrayList<>(List.of(ReductionMethod.NONE));
        methods.addAll(ALL_REDUCTIONS);
        return of(methods, PAPER_FRACTIONS);
    }
}
