package dev.vscan.model.generation;

/**
 * Follows one sequence of a {@link RunningBatch}: each token the moment it is chosen (for streaming),
 * then the finished output, once. Called on the thread that drives the batch, so keep it short.
 */
public interface SequenceListener {

    /** Called with every generated token, an ending EOS included. */
    default void onToken(long token) {}

    /** Whether {@link #onLogits} should get each step's logits (a host copy of the vocabulary row). */
    default boolean wantsLogits() {
        return false;
    }

    /** The float32 logits the next token is chosen from, before that token's {@link #onToken}. */
    default void onLogits(float[] logits) {}

    /** Called once when the sequence stops, for whatever reason; its cache is already freed. */
    void onFinished(GenerationOutput output);

    /** Called instead of {@link #onFinished} when the step it was part of failed; its cache is freed. */
    default void onFailed(RuntimeException failure) {}
}
