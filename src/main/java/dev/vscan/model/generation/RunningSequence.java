package dev.vscan.model.generation;

import dev.vscan.model.llama.SequenceCache;
import java.util.Arrays;
import java.util.List;

/**
 * One request in a {@link RunningBatch}: its sampler, its cache and what it has generated so far.
 * Read-only to callers, who use it to name the sequence they want to cancel.
 */
public final class RunningSequence {

    private final GenerationRequest request;
    private final SequenceListener listener;
    private final TokenSampler sampler;
    private final RepetitionPenalty penalty;
    private final SequenceCache cache;
    private final Prompt prompt;
    private long[] tokens = new long[8];
    private int generated;
    private long firstTokenNanos;
    private long decodeSteps;
    private long decodeBatchSum;
    private FinishReason finishReason;

    /** What the prompt side measured for this sequence, kept as plain numbers for its output. */
    record Prompt(int textTokens, int[] visualTokensIn, int[] visualTokensKept, int[] tokensPerLayer,
            int[] visualTokensPerLayer, List<int[]> keptPatchIndices, long visionNanos, long reductionNanos,
            long prefillNanos, int groupSize, int[] cropsPerImage, int[] newlinesPerImage,
            List<ReductionTrace> reductionTraces) {}

    RunningSequence(GenerationRequest request, SequenceListener listener, SequenceCache cache, Prompt prompt) {
        this.request = request;
        this.listener = listener;
        this.sampler = new TokenSampler(request.sampling());
        this.penalty = request.sampling().penalisesRepetition()
                ? new RepetitionPenalty(request.sampling().repetitionPenalty(), request.promptIds()) : null;
        this.cache = cache;
        this.prompt = prompt;
    }

    public GenerationRequest request() {
        return request;
    }

    /** Token slots its cache holds over all layers, divided by the layer count: its KV footprint in tokens. */
    public long cachedTokens() {
        return cache.allocatedSlots() / cache.numLayers();
    }

    SequenceCache cache() {
        return cache;
    }

    SequenceListener listener() {
        return listener;
    }

    TokenSampler sampler() {
        return sampler;
    }

    /** Its repetition penalty, or null when its sampling sets none. */
    RepetitionPenalty penalty() {
        return penalty;
    }

    boolean greedy() {
        return request.sampling().isGreedy();
    }

    long lastToken() {
        return tokens[generated - 1];
    }

    void joinedDecodeStep(int batchSize) {
        decodeSteps++;
        decodeBatchSum += batchSize;
    }

    /**
     * Records a chosen token and tells the listener.
     *
     * @return true when the sequence is finished by it
     */
    boolean accept(long token, boolean endOfSequence) {
        if (generated == 0) {
            firstTokenNanos = System.nanoTime();
        }
        if (generated == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[generated++] = token;
        if (penalty != null) {
            penalty.saw(token);
        }
        listener.onToken(token);
        if (endOfSequence) {
            finishReason = FinishReason.EOS;
        } else if (generated >= request.sampling().maxNewTokens()) {
            finishReason = FinishReason.LENGTH;
        }
        return finishReason != null;
    }

    void cancel() {
        if (finishReason == null) {
            finishReason = FinishReason.CANCELLED;
        }
    }

    /** Frees the cache and hands the output to the listener. */
    void retire() {
        cache.close();
        long decodeNanos = generated == 0 ? 0 : System.nanoTime() - firstTokenNanos;
        PhaseTimings timings = new PhaseTimings(prompt.visionNanos(), prompt.reductionNanos(), prompt.prefillNanos(),
                decodeNanos);
        double decodeBatch = decodeSteps == 0 ? 0 : (double) decodeBatchSum / decodeSteps;
        listener.onFinished(new GenerationOutput(Arrays.copyOf(tokens, generated), finishReason, prompt.textTokens(),
                prompt.visualTokensIn(), prompt.visualTokensKept(), prompt.tokensPerLayer(),
                prompt.visualTokensPerLayer(), prompt.keptPatchIndices(), timings, prompt.groupSize(), decodeBatch,
                prompt.cropsPerImage(), prompt.newlinesPerImage(), prompt.reductionTraces()));
    }
}
