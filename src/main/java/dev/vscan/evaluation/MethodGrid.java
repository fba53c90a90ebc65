package dev.vscan.evaluation;

import dev.vscan.model.extension.VisualPositions;
import dev.vscan.reduction.ReductionMethod;
import java.util.ArrayList;
import java.util.List;

/** Which methods at which budgets and position settings an evaluation runs. */
public final class MethodGrid {

    /** The paper's 192 / 128 / 64 of 576 tokens, as shares: 33 %, 22 % and 11 %. */
    public static final List<Double> PAPER_FRACTIONS = List.of(1 / 3.0, 2 / 9.0, 1 / 9.0);

    public static final List<ReductionMethod> ALL_REDUCTIONS = List.of(ReductionMethod.VSCAN, ReductionMethod.FASTV,
            ReductionMethod.PDROP, ReductionMethod.VISIONZIP, ReductionMethod.VSCAN_GLOBAL, ReductionMethod.VSCAN_LOCAL,
            ReductionMethod.VSCAN_NOMERGE);

    private MethodGrid() {}

    /** {@code none} first (when listed), then each other method at every fraction, with published positions. */
    public static List<EvaluatedMethod> of(List<ReductionMethod> methods, List<Double> fractions) {
        return of(methods, fractions, List.of(VisualPositions.REFERENCE));
    }

    /**
     * {@code none} first (when listed), then each other method at every position setting and fraction.
     * FastV keeps original positions in its published form already, so it runs once, under the first setting.
     */
    public static List<EvaluatedMethod> of(List<ReductionMethod> methods, List<Double> fractions,
            List<VisualPositions> positions) {
        if (positions.isEmpty()) {
            throw new IllegalArgumentException("at least one positions setting is needed");
        }
        List<EvaluatedMethod> grid = new ArrayList<>();
        if (methods.contains(ReductionMethod.NONE)) {
            grid.add(new EvaluatedMethod(ReductionMethod.NONE, 1.0));
        }
        for (VisualPositions setting : positions) {
            for (ReductionMethod method : methods) {
                if (method == ReductionMethod.NONE || (method == ReductionMethod.FASTV && setting != positions.get(0))) {
                    continue;
                }
                for (double fraction : fractions) {
                    grid.add(new EvaluatedMethod(method, fraction, setting));
                }
            }
        }
        return grid;
    }

    /** {@code none} and every reduction at the paper's three shares, under both position settings. */
    public static List<EvaluatedMethod> standard() {
        List<ReductionMethod> methods = new ArrayList<>(List.of(ReductionMethod.NONE));
        methods.addAll(ALL_REDUCTIONS);
        return of(methods, PAPER_FRACTIONS, List.of(VisualPositions.REFERENCE, VisualPositions.ORIGINAL));
    }
}
