package dev.vscan.model.config;

import java.util.List;

/** Optional decoding defaults from {@code generation_config.json}; null means "not given". */
public record GenerationConfig(Integer bosTokenId, List<Integer> eosTokenIds, Integer padTokenId,
                               Integer maxNewTokens, Double temperature, Double topP, Boolean doSample,
                               Double repetitionPenalty) {

    public GenerationConfig {
        eosTokenIds = eosTokenIds == null ? null : List.copyOf(eosTokenIds);
        if (maxNewTokens != null && maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be at least 1, got " + maxNewTokens);
        }
        if (temperature != null && temperature < 0) {
            throw new IllegalArgumentException("temperature must not be negative, got " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (repetitionPenalty != null && !(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be positive, got " + repetitionPenalty);
        }
    }

    /** The repetition penalty answers get by default: the file's, or 1 (none). */
    public double repetitionPenaltyOrNone() {
        return repetitionPenalty == null ? 1.0 : repetitionPenalty;
    }

    /** A config that sets nothing. */
    public static GenerationConfig empty() {
        return new GenerationConfig(null, null, null, null, null, null, null, null);
    }
}
