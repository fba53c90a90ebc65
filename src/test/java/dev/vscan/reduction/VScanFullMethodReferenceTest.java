package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Full VScan (R1 = 32 of 64, R2 = 8 after layer 2) on the reference checkpoint, planned from a config.
 */
class VScanFullMethodReferenceTest {

    private static LlavaPipeline pipeline;
    private static JsonNode expected;
    private static Path dir;

    @BeforeAll
    static void load() throws IOException {
        dir = TestModels.referenceCheckpoint();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("vscan");
        pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void plansStageOneAndStageTwoFromTheConfig() throws IOException {
        ReductionPlan plan = ReductionPlan.of(ReductionConfig.explicit(ReductionMethod.VSCAN, 32, 8, 2),
                pipeline.model().config(), 1);
        int[][] kept = new int[1][];
        SequencePruner recording = new SequencePruner() {
            @Override
            public int[] pruneAfterLayers() {
                return plan.pruner().pruneAfterLayers();
            }

            @Override
            public PruneDecision decide(PruneContext context) {
                PruneDecision decision = plan.pruner().decide(context);
                int first = context.visualTokens()[0];
                kept[0] = java.util.Arrays.stream(decision.keptVisualTokens()).map(i -> i - first).toArray();
                return decision;
            }
        };
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        GenerationRequest request = pipeline.request("what colour is the big circle ?", List.of(image),
                SamplingParams.greedy(8), plan.reducer(), recording);
        GenerationOutput out = pipeline.generator().generate(List.of(request)).get(0);

        assertArrayEquals(ints(expected.get("kept_after_stage1")), out.keptPatchIndices().get(0));
        assertEquals(32, out.visualTokensAfterStage1());
        assertEquals(8, out.visualTokensAfterStage2());
        assertArrayEquals(new int[] {32, 32, 8, 8}, out.visualTokensPerLayer());
        assertArrayEquals(ints(expected.get("kept_after_stage2_within_stage1")), kept[0]);
        assertArrayEquals(java.util.Arrays.stream(ints(expected.get("answer_ids"))).asLongStream().toArray(),
                out.tokens());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
