package dev.vscan.model.extension;

import java.util.function.Supplier;

/**
 * One sequence at a stage-2 pruning point, after {@code layersDone} decoder layers of the prefill.
 *
 * @param layersDone            decoder layers already run
 * @param visualTokens          sequence indices (0-based, padding excluded) of the visual tokens still present
 * @param sequenceLength        tokens in the sequence now
 * @param nextLayerAttention    head-mean attention of the last prompt token to every token, scored
 *                              with the next layer's input norm and q/k projections (computed on demand)
 * @param lastLayerAttention    head-mean attention of the last prompt token in the layer that just
 *                              ran (what FastV reads)
 */
public record PruneContext(int layersDone, int[] visualTokens, int sequenceLength,
        Supplier<float[]> nextLayerAttention, Supplier<float[]> lastLayerAttention) {}
