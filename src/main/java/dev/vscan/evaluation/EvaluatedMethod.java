package dev.vscan.evaluation;

import dev.vscan.model.extension.VisualPositions;
import dev.vscan.reduction.ReductionMethod;

/**
 * A reduction method at a share of the visual tokens ({@code 1.0} for {@code none}), with its kept
 * tokens placed as {@code positions} says.
 *
 * @param budgetFraction the average share of each image's visual tokens the method may keep
 */
public record EvaluatedMethod(ReductionMethod method, double budgetFraction, VisualPositions positions) {

    public EvaluatedMethod {
        if (!(budgetFraction > 0 && budgetFraction <= 1)) {
            throw new IllegalArgumentException("budget fraction " + budgetFraction + " must be in (0, 1]");
        }
        if (method == ReductionMethod.NONE && budgetFraction != 1) {
            throw new IllegalArgumentException("method none keeps every token; its budget fraction is 1");
        }
        if (method == ReductionMethod.NONE && positions != VisualPositions.REFERENCE) {
            throw new IllegalArgumentException("method none drops no token, so it has no positions setting");
        }
    }

    /** With each method's published position convention. */
    public EvaluatedMethod(ReductionMethod method, double budgetFraction) {
        this(method, budgetFraction, VisualPositions.REFERENCE);
    }

    /** The method's name in reports: its wire name, marked when kept tokens keep their original positions. */
    public String name() {
        return displayName(method.wireName(), positions);
    }

    public String label() {
        return method == ReductionMethod.NONE ? "none" : name() + "@" + Math.round(budgetFraction * 100) + "%";
    }

    static String displayName(String method, VisualPositions positions) {
        return positions == VisualPositions.ORIGINAL ? method + " (orig. pos.)" : method;
    }
}
