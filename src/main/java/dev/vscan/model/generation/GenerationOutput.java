package dev.vscan.model.generation;

import java.util.List;

/**
 * The result of one request.
 *
 * @param tokens               generated token ids (an EOS that ended the sequence included)
 * @param textTokens           prompt tokens that are not visual
 * @param visualTokensIn       per image, visual tokens the vision tower produced
 * @param visualTokensKept     per image, visual tokens left after stage 1
 * @param tokensPerLayer       tokens each decoder layer processed during prefill
 * @param visualTokensPerLayer visual tokens among them
 * @param keptPatchIndices     per image, the raster indices of the patches kept by stage 1
 * @param timings              its prefill group's vision, reduction and prefill times, and its own decode time
 *                             (first token to last, while sharing decode steps with the running batch)
 * @param batchSize            requests prefilled together with it, itself included
 * @param decodeBatch          mean number of sequences in the decode steps it took part in (0 without any)
 * @param cropsPerImage        per image, the crops the vision tower ran (1 for LLaVA-1.5; base and tiles for NeXT)
 * @param newlinesPerImage     per image, the newline tokens among its visual tokens (NeXT's one per grid row,
 *                             always kept by stage 1; 0 for LLaVA-1.5)
 * @param reductionTraces      per image, what stage 1 and stage 2 kept and where dropped patches were merged
 */
public record GenerationOutput(long[] tokens, FinishReason finishReason, int textTokens, int[] visualTokensIn,
        int[] visualTokensKept, int[] tokensPerLayer, int[] visualTokensPerLayer, List<int[]> keptPatchIndices,
        PhaseTimings timings, int batchSize, double decodeBatch, int[] cropsPerImage,
        int[] newlinesPerImage, List<ReductionTrace> reductionTraces) {

    /** Mean milliseconds per token after the first; 0 when it generated one token or none. */
    public double millisPerOutputToken() {
        return tokens.length < 2 ? 0 : timings.decodeMillis() / (tokens.length - 1);
    }

    /** Tokens of the sequence that entered the language model. */
    public int promptTokens() {
        return tokensPerLayer.length == 0 ? 0 : tokensPerLayer[0];
    }

    public int visualTokensInTotal() {
        return sum(visualTokensIn);
    }

    public int visualTokensAfterStage1() {
        return sum(visualTokensKept);
    }

    /** Visual tokens the last decoder layer saw, i.e. after every pruning point. */
    public int visualTokensAfterStage2() {
        return visualTokensPerLayer.length == 0 ? 0 : visualTokensPerLayer[visualTokensPerLayer.length - 1];
    }

    private static int sum(int[] values) {
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }
}
