package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * @param logits         [B, vocab] float32 logits at each sequence's last prompt position
 * @param cache          the cache to decode from
 * @param tokensPerLayer [B][layers] tokens each decoder layer processed, per sequence
 * @param visualPerLayer [B][layers] visual tokens among them
 * @param visualReachingLastLayer [B][] which of each prompt's visual tokens (0-based, counted in prompt order)
 *                       the last decoder layer still saw, ascending: all of them when nothing was pruned
 */
public record PrefillResult(NDArray logits, KvCache cache, int[][] tokensPerLayer, int[][] visualPerLayer,
        int[][] visualReachingLastLayer) {}
