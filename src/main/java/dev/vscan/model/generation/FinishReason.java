package dev.vscan.model.generation;

/**
 * Why a sequence stopped: an end-of-sequence token, max_new_tokens reached, or its caller cancelled it
 * (a deadline that passed, a shutdown that could not wait).
 */
public enum FinishReason {
    EOS,
    LENGTH,
    CANCELLED
}
