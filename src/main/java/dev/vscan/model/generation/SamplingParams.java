package dev.vscan.model.generation;

/**
 * How to pick tokens. Temperature 0 means greedy decoding (lowest token id wins a tie, like
 * torch.argmax); otherwise tokens are drawn with top-p (nucleus) filtering from a generator seeded
 * by {@code seed}, so the same seed gives the same tokens. With {@code ignoreEos} an end-of-sequence
 * token does not stop the sequence, so it runs to max_new_tokens (for benchmarks of a fixed length).
 * A {@code repetitionPenalty} other than 1 penalises every token already in the sequence, prompt
 * included, as transformers' {@code repetition_penalty} does (Qwen2.5-VL-Instruct ships 1.05).
 */
public record SamplingParams(int maxNewTokens, double temperature, double topP, long seed, boolean ignoreEos,
        double repetitionPenalty) {

    public static final int MAX_NEW_TOKENS_LIMIT = 4096;

    public SamplingParams {
        if (maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS_LIMIT) {
            throw new IllegalArgumentException("max_new_tokens must be within 1.." + MAX_NEW_TOKENS_LIMIT
                    + ", got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be within (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite number > 0, got "
                    + repetitionPenalty);
        }
    }

    public SamplingParams(int maxNewTokens, double temperature, double topP, long seed, boolean ignoreEos) {
        this(maxNewTokens, temperature, topP, seed, ignoreEos, 1.0);
    }

    public SamplingParams(int maxNewTokens, double temperature, double topP, long seed) {
        this(maxNewTokens, temperature, topP, seed, false);
    }

    /** The same settings, running to max_new_tokens whatever the tokens are. */
    public SamplingParams ignoringEos() {
        return new SamplingParams(maxNewTokens, temperature, topP, seed, true, repetitionPenalty);
    }

    /** The same settings with a repetition penalty (1 for none). */
    public SamplingParams withRepetitionPenalty(double penalty) {
        return new SamplingParams(maxNewTokens, temperature, topP, seed, ignoreEos, penalty);
    }

    public boolean penalisesRepetition() {
        return repetitionPenalty != 1.0;
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
