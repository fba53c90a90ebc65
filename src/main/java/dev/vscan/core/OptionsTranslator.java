package dev.vscan.core;

import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;

/**
 * The one translation from wire options to engine settings, used by the request path and by the command
 * line: sampling with the service's default and limit for {@code max_new_tokens}, and the reduction the
 * options name. Anything that cannot be translated is an {@code invalid_options} refusal.
 *
 * @param defaultMaxNewTokens what a request that names no {@code max_new_tokens} gets
 * @param maxNewTokensLimit   the most a request may ask for
 * @param repetitionPenalty   the checkpoint's generation_config.json penalty (1 for none)
 */
public record OptionsTranslator(int defaultMaxNewTokens, int maxNewTokensLimit, double repetitionPenalty) {

    public OptionsTranslator {
        if (defaultMaxNewTokens < 1 || defaultMaxNewTokens > maxNewTokensLimit) {
            throw new IllegalArgumentException("the default max_new_tokens must be within 1.." + maxNewTokensLimit
                    + ", got " + defaultMaxNewTokens);
        }
    }

    public SamplingParams sampling(RequestOptions o) {
        int maxNew = o.maxNewTokens() == null ? defaultMaxNewTokens : o.maxNewTokens();
        if (maxNew > maxNewTokensLimit) {
            throw invalid("max_new_tokens " + maxNew + " exceeds this service's limit of " + maxNewTokensLimit, null);
        }
        try {
            return new SamplingParams(maxNew, o.temperature() == null ? 0 : o.temperature(),
                    o.topP() == null ? 1 : o.topP(), o.seed() == null ? 0 : o.seed(), false, repetitionPenalty);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e);
        }
    }

    /**
     * The reduction the options ask for: none when they name no method, else the named method with the
     * sizes given (sizes without a method are refused: none takes none). Checked here against the rules
     * that hold for every model; the model's own limits apply when the plan is made.
     */
    public static ReductionConfig reduction(RequestOptions o) {
        try {
            boolean tuned = o.budget() != null || o.r1() != null || o.r2() != null || o.layer() != null
                    || o.fraction() != null || o.positions() != null || o.r1Ratio() != null || o.r2Ratio() != null;
            ReductionMethod method = o.reduction() == null ? ReductionMethod.NONE : ReductionMethod.parse(o.reduction());
            if (method == ReductionMethod.NONE && !tuned) {
                return ReductionConfig.none();
            }
            return new ReductionConfig(method, o.budget(), o.r1(), o.r2(), o.layer(), null, null, null, o.fraction(),
                    o.positions() == null ? null : VisualPositions.parse(o.positions()), o.r1Ratio(), o.r2Ratio());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e);
        }
    }

    private static InvalidRequestException invalid(String message, Throwable cause) {
        return new InvalidRequestException(Code.INVALID_OPTIONS, message, cause);
    }
}
