package dev.vscan.model.generation;

import dev.vscan.model.extension.StageOneTrace;

/**
 * What the reduction did to one image, for drawing it over the image: which patches stage 1 kept and
 * how, where the dropped ones were merged, and which of the kept ones the last decoder layer still saw.
 * Indices are those of {@link GenerationOutput#keptPatchIndices()} (raster order in the image's patch
 * grid; merged tokens on Qwen2.5-VL).
 *
 * @param kept             the patches whose tokens entered the language model, in order
 * @param stageOne         the scans' picks and merge targets, or null when the method has no scan
 * @param reachedLastLayer the kept patches whose tokens survived every pruning point, ascending
 */
public record ReductionTrace(int[] kept, StageOneTrace stageOne, int[] reachedLastLayer) {}
