package dev.vscan.core;

import dev.vscan.model.generation.SamplingParams;

/**
 * What this service accepts in one request, at most as much as the request schema allows.
 *
 * @param maxImages      images per request; 0 serves text-only questions
 * @param maxPromptChars characters (Unicode code points) of the prompt
 * @param maxNewTokens   largest {@code max_new_tokens} a request may ask for
 */
public record RequestLimits(int maxImages, int maxPromptChars, int maxNewTokens) {

    /** The request schema's own caps; configured limits cannot exceed them. */
    public static final int SCHEMA_MAX_IMAGES = 64;
    public static final int SCHEMA_MAX_PROMPT_CHARS = 8192;

    public RequestLimits {
        if (maxImages < 0 || maxImages > SCHEMA_MAX_IMAGES) {
            throw new IllegalArgumentException("maxImages must be within 0.." + SCHEMA_MAX_IMAGES
                    + " (the request schema's cap), got " + maxImages);
        }
        if (maxPromptChars < 1 || maxPromptChars > SCHEMA_MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("maxPromptChars must be within 1.." + SCHEMA_MAX_PROMPT_CHARS
                    + " (the request schema's cap), got " + maxPromptChars);
        }
        if (maxNewTokens < 1 || maxNewTokens > SamplingParams.MAX_NEW_TOKENS_LIMIT) {
            throw new IllegalArgumentException("maxNewTokens must be within 1.." + SamplingParams.MAX_NEW_TOKENS_LIMIT
                    + ", got " + maxNewTokens);
        }
    }

    /** 8 images, the schema's 8192 prompt characters, 1024 new tokens. */
    public static RequestLimits defaults() {
        return new RequestLimits(8, SCHEMA_MAX_PROMPT_CHARS, 1024);
    }
}
