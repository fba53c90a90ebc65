package dev.vscan.evaluation;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;

/**
 * Turns a method and budget share into a plan for one model. The budget is an average over the decoder
 * layers; FastV and PyramidDrop run every token through their first layers, so on a shallow decoder a
 * small average is out of their reach. Then they keep the budget's token count after their first pruning
 * layer instead (the way their papers state budgets), and the result says so.
 */
public final class PlanResolver {

    /** A plan and, when the average could not be met, how the budget was applied instead. */
    public record Resolved(ReductionPlan plan, String note) {}

    private final LlavaConfig config;

    public PlanResolver(LlavaConfig config) {
        this.config = config;
    }

    public Resolved resolve(EvaluatedMethod method, int images) {
        if (method.method() == ReductionMethod.NONE) {
            return new Resolved(ReductionPlan.of(ReductionConfig.none(), config, images), "");
        }
        try {
            return new Resolved(ReductionPlan.of(ReductionConfig.fraction(method.method(), method.budgetFraction())
                    .withPositions(method.positions()), config, images), "");
        } catch (IllegalArgumentException unreachable) {
            boolean keepsAllFirst = method.method() == ReductionMethod.FASTV || method.method() == ReductionMethod.PDROP;
            if (!keepsAllFirst || !unreachable.getMessage().contains("below what")) {
                throw unreachable;
            }
            int tokens = Math.max(1, (int) Math.round(method.budgetFraction() * config.vision().numPatches()));
            ReductionPlan plan = ReductionPlan.of(ReductionConfig.explicit(method.method(), null, tokens, null)
                    .withPositions(method.positions()), config, images);
            return new Resolved(plan, "average out of reach on " + config.text().numHiddenLayers()
                    + " decoder layers; keeps " + tokens + " tokens after layer " + plan.budget().layer());
        }
    }
}
