package dev.vscan.evaluation;

import dev.vscan.reduction.ReductionMethod;

/**
 * A reduction method at a share of the visual tokens ({@code 1.0} for {@code none}).
 *
 * @param budgetFraction the average share of each image's visual tokens the method may keep
 */
public record EvaluatedMethod(ReductionMethod method, double budgetFraction) {

    public EvaluatedMethod {
        if (!(budgetFraction > 0 && budgetFraction <= 1)) {
            throw new IllegalArgumentException("budget fraction " + budgetFraction + " must be in (0, 1]");
        }
        if (method == ReductionMethod.NONE && budgetFraction != 1) {
            throw new IllegalArgumentException("method none keeps every token; its budget fraction is 1");
        }
    }

    public String label() {
        return method == ReductionMethod.NONE ? "none"
                : method.wireName() + "@" + Math.round(budgetFraction * 100) + "%";
    }
}
