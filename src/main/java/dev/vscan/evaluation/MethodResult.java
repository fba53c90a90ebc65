package dev.vscan.evaluation;

import dev.vscan.model.extension.VisualPositions;
import java.util.Map;

/**
 * Accuracy of one method at one budget on the held-out questions.
 *
 * @param method              the method's wire name
 * @param positions           where kept tokens sat: "reference" or "original"
 * @param accuracyByFamily    per question family (its JSON name), share of right answers
 * @param prefillMs           mean language-model prefill time per question, batch time shared evenly
 * @param meanVisualTokens    visual tokens per image averaged over the decoder layers (what the budget limits)
 * @param note                how the budget was applied when the method cannot reach it as an average, else empty
 */
public record MethodResult(String method, String positions, double budgetFraction, int questions, double accuracy,
        Map<String, Double> accuracyByFamily, double prefillMs, double meanVisualTokens, String note) {

    public MethodResult {
        accuracyByFamily = Map.copyOf(accuracyByFamily);
    }

    /** The name reports show: the method, marked when its kept tokens kept their original positions. */
    public String displayName() {
        return EvaluatedMethod.displayName(method, VisualPositions.parse(positions));
    }
}
