package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** LLaVA-1.5-7B: d = 4096, m = 11008, L = 32, 576 visual tokens, 64 text tokens. */
class PrefillFlopsTest {

    private static final int D = 4096;
    private static final int M = 11008;

    @Test
    void fullPrefillIsThirtyTwoLayersOf640Tokens() {
        int[] layers = new int[32];
        Arrays.fill(layers, 640);
        long expected = 32L * (4L * 640 * 4096 * 4096 + 2L * 640 * 640 * 4096 + 3L * 640 * 4096 * 11008);
        assertEquals(expected, PrefillFlops.llm(layers, D, M));
        assertEquals(4_252_017_623_040L, PrefillFlops.llm(layers, D, M));
    }

    @Test
    void budget64KeepsR1Of96ForSixteenLayersThenR2Of32() {
        long expected = 16L * (4L * 160 * 4096 * 4096 + 2L * 160 * 160 * 4096 + 3L * 160 * 4096 * 11008)
                + 16L * (4L * 96 * 4096 * 4096 + 2L * 96 * 96 * 4096 + 3L * 96 * 4096 * 11008);
        assertEquals(expected, presetFlops(64));
        assertEquals(833_492_090_880L, presetFlops(64));
    }

    @Test
    void budget128KeepsR1Of192ThenR2Of64() {
        long expected = 16L * (4L * 256 * 4096 * 4096 + 2L * 256 * 256 * 4096 + 3L * 256 * 4096 * 11008)
                + 16L * (4L * 128 * 4096 * 4096 + 2L * 128 * 128 * 4096 + 3L * 128 * 4096 * 11008);
        assertEquals(expected, presetFlops(128));
    }

    @Test
    void budget192KeepsR1Of288ThenR2Of96() {
        long expected = 16L * (4L * 352 * 4096 * 4096 + 2L * 352 * 352 * 4096 + 3L * 352 * 4096 * 11008)
                + 16L * (4L * 160 * 4096 * 4096 + 2L * 160 * 160 * 4096 + 3L * 160 * 4096 * 11008);
        assertEquals(expected, presetFlops(192));
        assertEquals(1_677_453_164_544L, presetFlops(192));
    }

    @Test
    void clipLayersHaveATwoMatrixMlp() {
        // ViT-L/14 at 336 px: 577 tokens ([CLS] + 576), d = 1024, m = 4096, 23 layers up to layer -2
        long expected = 23L * (4L * 577 * 1024 * 1024 + 2L * 577 * 577 * 1024 + 2L * 577 * 1024 * 4096);
        assertEquals(expected, PrefillFlops.vision(577, 23, 1024, 4096));
        assertEquals(182_670_112_768L, PrefillFlops.vision(577, 23, 1024, 4096));
    }

    /** Tokens per layer of a 64-text-token prompt under the paper's preset, resolved for LLaVA-1.5-7B. */
    private static long presetFlops(int paperBudget) {
        Budget b = ReductionConfig.paperPreset(ReductionMethod.VSCAN, paperBudget).resolve(576, 32, 23);
        int[] layers = new int[32];
        for (int l = 0; l < 32; l++) {
            layers[l] = 64 + (l < b.layer() ? b.r1() : b.r2());
        }
        return PrefillFlops.llm(layers, D, M);
    }

    @Test
    void qwenVisionBlocksCountTheirOwnAttentionRuns() {
        // 8 patches, width 2, SwiGLU 3: 4*8*2^2 + 2*(4^2 + 4^2)*2 + 3*8*2*3 = 128 + 128 + 144
        assertEquals(400, PrefillFlops.qwenVisionBlock(8, new int[] {4, 4}, 2, 3));
        // one run of 8 instead of two of 4 doubles the score term only
        assertEquals(528, PrefillFlops.qwenVisionBlock(8, new int[] {8}, 2, 3));
        // the merger: 2 tokens of 4 patches x width 2 = 8 wide, an 8x8 and an 8x5 product
        assertEquals(2 * (64 + 40), PrefillFlops.qwenMerger(8, 4, 2, 5));
    }
}
