package dev.vscan.reduction;

import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What reduction saved on one request: token counts, prefill FLOPs and phase times.
 *
 * <p>Token totals are over all images of the prompt. {@code flopsFull} is the language model's
 * prefill had every visual token gone through every layer; {@code flopsReduced} is what the layers
 * actually processed. The vision tower's cost is kept apart ({@code visionFlops}) because no method
 * here shortens it. Times are those of the batch the request ran in (see {@code PhaseTimings}).
 * Arrays are copied in and the record compares them by identity.
 */
public record EfficiencyReport(int visualTokensIn, int visualTokensAfterStage1, int visualTokensAfterStage2,
        int textTokens, int[] visualTokensInPerImage, int[] visualTokensAfterStage1PerImage, long flopsFull,
        long flopsReduced, long visionFlops, double visionMs, double reductionMs, double prefillMs, double decodeMs,
        List<int[]> keptPatchIndices, int[] cropsPerImage, int[] newlinesPerImage, long visionFlopsWindowed) {

    public EfficiencyReport {
        cropsPerImage = cropsPerImage.clone();
        newlinesPerImage = newlinesPerImage.clone();
        visualTokensInPerImage = visualTokensInPerImage.clone();
        visualTokensAfterStage1PerImage = visualTokensAfterStage1PerImage.clone();
        keptPatchIndices = keptPatchIndices.stream().map(int[]::clone).toList();
        if (visualTokensInPerImage.length != visualTokensAfterStage1PerImage.length) {
            throw new IllegalArgumentException(visualTokensInPerImage.length + " images in but "
                    + visualTokensAfterStage1PerImage.length + " after stage 1");
        }
    }

    /**
     * Builds the report of one request.
     *
     * @param visionLayersRun CLIP layers the tower ran (up to the feature layer)
     */
    public static EfficiencyReport of(GenerationOutput output, TextConfig text, VisionConfig vision, int visionLayersRun) {
        // the tower always runs [CLS] with the patches of every crop, whichever tokens the LLM later sees
        long perCrop = PrefillFlops.vision(vision.numPatches() + 1, visionLayersRun, vision.hiddenSize(),
                vision.intermediateSize());
        long crops = Arrays.stream(output.cropsPerImage()).asLongStream().sum();
        return of(output, text, Math.multiplyExact(perCrop, crops), 0);
    }

    /** The report of one Qwen2.5-VL request: its tower counted block by block over {@code images}. */
    public static EfficiencyReport of(GenerationOutput output, TextConfig text, QwenVisionConfig vision,
            List<? extends ModelImage> images) {
        long flops = 0;
        long windowed = 0;
        for (ModelImage image : images) {
            flops = Math.addExact(flops, PrefillFlops.qwenVision(vision, (QwenImage) image));
            windowed = Math.addExact(windowed, PrefillFlops.qwenVisionWindowed(vision, (QwenImage) image));
        }
        return of(output, text, flops, windowed);
    }

    /**
     * The report of one request whose vision tower cost {@code visionFlops} (a family's own count), of which
     * {@code windowedFlops} in blocks that attend within windows (Qwen2.5-VL's; none on CLIP).
     */
    public static EfficiencyReport of(GenerationOutput output, TextConfig text, long visionFlops, long windowedFlops) {
        int[] perLayer = output.tokensPerLayer();
        if (perLayer.length != 0 && perLayer.length != text.numHiddenLayers()) {
            throw new IllegalArgumentException("the output counts tokens for " + perLayer.length
                    + " decoder layers but the language model has " + text.numHiddenLayers());
        }
        int visualIn = output.visualTokensInTotal();
        int[] fullLayers = new int[text.numHiddenLayers()];
        Arrays.fill(fullLayers, output.textTokens() + visualIn);
        long full = PrefillFlops.llm(fullLayers, text.hiddenSize(), text.intermediateSize());
        long reduced = PrefillFlops.llm(perLayer, text.hiddenSize(), text.intermediateSize());
        long visionTotal = visionFlops;
        return new EfficiencyReport(visualIn, output.visualTokensAfterStage1(), output.visualTokensAfterStage2(),
                output.textTokens(), output.visualTokensIn(), output.visualTokensKept(), full, reduced, visionTotal,
                output.timings().visionMillis(), output.timings().reductionMillis(), output.timings().prefillMillis(),
                output.timings().decodeMillis(), output.keptPatchIndices(), output.cropsPerImage(),
                output.newlinesPerImage(), windowedFlops);
    }

    /** Reduced over full LLM prefill FLOPs; 1 when there was no prefill. */
    public double flopsRatio() {
        return flopsFull == 0 ? 1.0 : flopsReduced / (double) flopsFull;
    }

    /** The report as JSON-ready values with snake_case keys, in a fixed order. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("visual_tokens_in", visualTokensIn);
        json.put("visual_tokens_after_stage1", visualTokensAfterStage1);
        json.put("visual_tokens_after_stage2", visualTokensAfterStage2);
        json.put("text_tokens", textTokens);
        json.put("visual_tokens_in_per_image", list(visualTokensInPerImage));
        json.put("visual_tokens_after_stage1_per_image", list(visualTokensAfterStage1PerImage));
        json.put("flops_full", flopsFull);
        json.put("flops_reduced", flopsReduced);
        json.put("flops_ratio", flopsRatio());
        json.put("vision_flops", visionFlops);
        json.put("vision_flops_windowed", visionFlopsWindowed);
        json.put("vision_ms", visionMs);
        json.put("reduction_ms", reductionMs);
        json.put("prefill_ms", prefillMs);
        json.put("decode_ms", decodeMs);
        List<List<Integer>> kept = new ArrayList<>();
        keptPatchIndices.forEach(k -> kept.add(list(k)));
        json.put("kept_patch_indices", kept);
        json.put("crops_per_image", list(cropsPerImage));
        json.put("newlines_per_image", list(newlinesPerImage));
        return json;
    }

    private static List<Integer> list(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
