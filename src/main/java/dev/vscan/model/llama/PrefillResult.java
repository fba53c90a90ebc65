package dev.vscan.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * @param logits         [B, vocab] float32 logits at each sequence's last prompt position
 * @param cache          the cache to decode from
 * @param tokensPerLayer [B][layers] tokens each decoder layer processed, per sequence
 * @param visualPerLayer [B][layers] visual tokens among them
 */
public record PrefillResult(NDArray logits, KvCache cache, int[][] tokensPerLayer, int[][] visualPerLayer) {}
