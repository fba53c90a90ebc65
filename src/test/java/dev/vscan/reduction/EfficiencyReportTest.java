package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vscan.model.config.TextConfig;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.generation.FinishReason;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.PhaseTimings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A two-image LLaVA-1.5-7B request under VScan with R1 = 96 and R2 = 32 per image, k = 16. */
class EfficiencyReportTest {

    private static final TextConfig LLAMA_7B = new TextConfig(32064, 4096, 11008, 32, 32, 32, 128, 1e-5, 10000, 4096,
            "silu", false, 1, List.of(2), 0);
    private static final VisionConfig CLIP_L_336 = new VisionConfig(1024, 4096, 24, 16, 3, 336, 14, 1e-5,
            "quick_gelu", 768);

    @Test
    void totalsFlopsAndTimesOfOneRequest() {
        int[] tokens = new int[32];
        int[] visual = new int[32];
        for (int l = 0; l < 32; l++) {
            visual[l] = l < 16 ? 192 : 64;
            tokens[l] = 64 + visual[l];
        }
        GenerationOutput output = new GenerationOutput(new long[] {5, 6, 2}, FinishReason.EOS, 64,
                new int[] {576, 576}, new int[] {96, 96}, tokens, visual, List.of(new int[] {3, 9}, new int[] {1}),
                new PhaseTimings(12_000_000L, 1_500_000L, 30_000_000L, 250_000_000L), 1, 1, new int[] {1, 1},
                new int[] {0, 0}, List.of());

        EfficiencyReport report = EfficiencyReport.of(output, LLAMA_7B, CLIP_L_336, 23);

        assertEquals(1152, report.visualTokensIn());
        assertEquals(192, report.visualTokensAfterStage1());
        assertEquals(64, report.visualTokensAfterStage2());
        assertEquals(64, report.textTokens());
        assertArrayEquals(new int[] {96, 96}, report.visualTokensAfterStage1PerImage());
        long full = 32L * (4L * 1216 * 4096 * 4096 + 2L * 1216 * 1216 * 4096 + 3L * 1216 * 4096 * 11008);
        long reduced = 16L * (4L * 256 * 4096 * 4096 + 2L * 256 * 256 * 4096 + 3L * 256 * 4096 * 11008)
                + 16L * (4L * 128 * 4096 * 4096 + 2L * 128 * 128 * 4096 + 3L * 128 * 4096 * 11008);
        assertEquals(full, report.flopsFull());
        assertEquals(reduced, report.flopsReduced());
        assertEquals(0.151787, report.flopsRatio(), 1e-6);
        long vision = 2L * 23 * (4L * 577 * 1024 * 1024 + 2L * 577 * 577 * 1024 + 2L * 577 * 1024 * 4096);
        assertEquals(vision, report.visionFlops());

        Map<String, Object> json = report.toJson();
        assertEquals(List.of("visual_tokens_in", "visual_tokens_after_stage1", "visual_tokens_after_stage2",
                "text_tokens", "visual_tokens_in_per_image", "visual_tokens_after_stage1_per_image", "flops_full",
                "flops_reduced", "flops_ratio", "vision_flops", "vision_flops_windowed", "vision_ms", "reduction_ms",
                "prefill_ms", "decode_ms",
                "kept_patch_indices", "crops_per_image", "newlines_per_image"), new ArrayList<>(json.keySet()));
        assertEquals(12.0, (Double) json.get("vision_ms"), 1e-9);
        assertEquals(1.5, (Double) json.get("reduction_ms"), 1e-9);
        assertEquals(250.0, (Double) json.get("decode_ms"), 1e-9);
        assertEquals(List.of(List.of(3, 9), List.of(1)), json.get("kept_patch_indices"));
        assertEquals(full, json.get("flops_full"));
    }

    @Test
    void rejectsAnOutputFromAModelWithAnotherDepth() {
        int[] layers = new int[8];
        Arrays.fill(layers, 100);
        GenerationOutput output = new GenerationOutput(new long[0], FinishReason.EOS, 40, new int[] {60},
                new int[] {60}, layers, layers, List.of(new int[0]), new PhaseTimings(0, 0, 0, 0), 1, 0, new int[] {1},
                new int[] {0}, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EfficiencyReport.of(output, LLAMA_7B, CLIP_L_336, 23));
        assertEquals("the output counts tokens for 8 decoder layers but the language model has 32", e.getMessage());
    }
}
