package dev.vscan.model.generation;

/** Why a sequence stopped: an end-of-sequence token, or max_new_tokens reached. */
public enum FinishReason {
    EOS,
    LENGTH
}
