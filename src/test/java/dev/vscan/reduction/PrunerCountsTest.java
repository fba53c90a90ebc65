package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stage-2 pruners on the 4-layer tiny checkpoint: what each decoder layer sees, and batching. */
class PrunerCountsTest {

    private static LlavaPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = LlavaPipeline.load(TestModels.tinyCheckpoint(), EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    /** 64 visual tokens. */
    private static GenerationRequest oneImage(SequencePruner pruner) {
        return pipeline.request("what colour is the big circle ?", List.of(TestModels.png(1, 112, 112)),
                SamplingParams.greedy(5), VisualTokenReducer.NONE, pruner);
    }

    /** 128 visual tokens, ranked together. */
    private static GenerationRequest twoImages(SequencePruner pruner) {
        return pipeline.request("which image has more red shapes , the first or the second one ?",
                List.of(TestModels.png(2, 150, 120), TestModels.png(3, 112, 112)), SamplingParams.greedy(5),
                VisualTokenReducer.NONE, pruner);
    }

    private static GenerationOutput generate(GenerationRequest request) {
        return pipeline.generator().generate(List.of(request)).get(0);
    }

    @Test
    void keepingEveryTokenChangesNoLogit() {
        float[] plain = pipeline.generator().promptLogits(List.of(oneImage(SequencePruner.NONE)))[0];
        float[] keepAll = pipeline.generator().promptLogits(List.of(oneImage(new MiddleLayerPruner(2, 64))))[0];
        float[] keepMore = pipeline.generator().promptLogits(List.of(oneImage(new MiddleLayerPruner(1, 500))))[0];
        assertArrayEquals(plain, keepAll, 0f);
        assertArrayEquals(plain, keepMore, 0f);
        float[] pruned = pipeline.generator().promptLogits(List.of(oneImage(new MiddleLayerPruner(2, 8))))[0];
        assertTrue(maxDifference(plain, pruned) > 1e-4, "dropping 56 of 64 tokens must change the logits");
    }

    @Test
    void layersFromKOnSeeExactlyR2VisualTokensOfAllImages() {
        GenerationOutput out = generate(twoImages(new MiddleLayerPruner(2, 10)));
        assertArrayEquals(new int[] {128, 128, 10, 10}, out.visualTokensPerLayer());
        int text = out.textTokens();
        assertArrayEquals(new int[] {text + 128, text + 128, text + 10, text + 10}, out.tokensPerLayer());
        assertEquals(10, out.visualTokensAfterStage2());

        assertArrayEquals(new int[] {64, 64, 64, 7}, generate(oneImage(new MiddleLayerPruner(3, 7)))
                .visualTokensPerLayer());
    }

    @Test
    void fastVPrunesOnceAfterItsLayer() {
        assertArrayEquals(new int[] {64, 64, 20, 20}, generate(oneImage(new FastVPruner(20))).visualTokensPerLayer());
        assertArrayEquals(new int[] {128, 30, 30, 30}, generate(twoImages(new FastVPruner(1, 30)))
                .visualTokensPerLayer());
    }

    @Test
    void pyramidDropHalvesTheVisualTokensAtEachStage() {
        assertArrayEquals(new int[] {64, 32, 16, 8},
                generate(oneImage(new PyramidDropPruner(new int[] {1, 2, 3}, 0.5))).visualTokensPerLayer());
        assertArrayEquals(new int[] {128, 64, 32, 16},
                generate(twoImages(PyramidDropPruner.standard(4))).visualTokensPerLayer());
        // 64 * 0.3 = 19.2 -> 19; 19 * 0.5 = 9.5 -> 10 (halves round up).
        assertArrayEquals(new int[] {64, 64, 19, 10},
                generate(oneImage(new PyramidDropPruner(new int[] {2, 3}, new double[] {0.3, 0.5})))
                        .visualTokensPerLayer());
    }

    @Test
    void aRaggedBatchWithItsOwnPrunersEqualsEachRequestAlone() {
        List<GenerationRequest> batch = List.of(
                oneImage(new MiddleLayerPruner(2, 16)),
                twoImages(new PyramidDropPruner(new int[] {1, 2, 3}, 0.5)),
                twoImages(new FastVPruner(1, 40)),
                oneImage(SequencePruner.NONE));
        float[][] together = pipeline.generator().promptLogits(batch);
        List<GenerationOutput> outputs = pipeline.generator().generate(batch);
        for (int r = 0; r < batch.size(); r++) {
            float[] alone = pipeline.generator().promptLogits(List.of(batch.get(r)))[0];
            assertArrayEquals(alone, together[r], 1e-5f, "logits of request " + r);
            GenerationOutput single = generate(batch.get(r));
            assertArrayEquals(single.tokens(), outputs.get(r).tokens(), "tokens of request " + r);
            assertArrayEquals(single.visualTokensPerLayer(), outputs.get(r).visualTokensPerLayer());
        }
        assertArrayEquals(new int[] {64, 64, 16, 16}, outputs.get(0).visualTokensPerLayer());
        assertArrayEquals(new int[] {128, 64, 32, 16}, outputs.get(1).visualTokensPerLayer());
        assertArrayEquals(new int[] {128, 40, 40, 40}, outputs.get(2).visualTokensPerLayer());
        assertArrayEquals(new int[] {64, 64, 64, 64}, outputs.get(3).visualTokensPerLayer());
    }

    private static double maxDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
