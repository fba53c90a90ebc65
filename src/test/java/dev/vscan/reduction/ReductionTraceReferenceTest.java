package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.StageOneTrace;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.ReductionTrace;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a generation reports about the reduction of each image, against the reference checkpoint's
 * independently computed VScan decisions (R1 = 32 of 64, R2 = 8 after layer 2).
 */
class ReductionTraceReferenceTest {

    private static LlavaPipeline pipeline;
    private static JsonNode expected;
    private static byte[] image;

    @BeforeAll
    static void load() throws IOException {
        Path dir = TestModels.referenceCheckpoint();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("vscan");
        pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults());
        image = Files.readAllBytes(dir.resolve("image.png"));
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static GenerationOutput generate(ReductionConfig config, int images) {
        ReductionPlan plan = ReductionPlan.of(config, pipeline.model().config(), images);
        // a question without placeholders gets the images in front of it
        GenerationRequest request = pipeline.request("what colour is the big circle ?", Collections.nCopies(images, image),
                SamplingParams.greedy(2), plan.reducer(), plan.pruner());
        return pipeline.generator().generate(List.of(request)).get(0);
    }

    @Test
    void vscanReportsTheScansPicksTheMergeTargetsAndWhatReachedTheLastLayer() {
        ReductionTrace trace = generate(ReductionConfig.explicit(ReductionMethod.VSCAN, 32, 8, 2), 1)
                .reductionTraces().get(0);
        int[] stageOne = ints(expected.get("kept_after_stage1"));
        assertArrayEquals(stageOne, trace.kept());
        assertArrayEquals(ints(expected.get("local_indices")), trace.stageOne().localPicks());
        assertArrayEquals(ints(expected.get("global_indices")), trace.stageOne().globalPicks());
        int[] stageTwo = Arrays.stream(ints(expected.get("kept_after_stage2_within_stage1")))
                .map(i -> stageOne[i]).sorted().toArray();
        assertArrayEquals(stageTwo, trace.reachedLastLayer());

        int[] targets = trace.stageOne().mergeTargets();
        assertEquals(64, targets.length);
        for (int patch = 0; patch < 64; patch++) {
            boolean kept = Arrays.binarySearch(stageOne, patch) >= 0;
            int target = targets[patch];
            assertTrue(kept ? target == patch : Arrays.binarySearch(stageOne, target) >= 0,
                    "patch " + patch + " merged into " + target);
        }
    }

    @Test
    void withoutReductionEveryPatchIsKeptAndReachesTheLastLayer() {
        ReductionTrace trace = generate(ReductionConfig.none(), 1).reductionTraces().get(0);
        int[] all = IntStream.range(0, 64).toArray();
        assertArrayEquals(all, trace.kept());
        assertNull(trace.stageOne());
        assertArrayEquals(all, trace.reachedLastLayer());
    }

    @Test
    void twoImagesEachGetTheirOwnPicture() {
        GenerationOutput out = generate(ReductionConfig.explicit(ReductionMethod.VSCAN, 32, 8, 2), 2);
        assertEquals(2, out.reductionTraces().size());
        int reached = 0;
        for (ReductionTrace trace : out.reductionTraces()) {
            // the same image twice: stage 1 decides per image, so both pictures match the reference
            assertArrayEquals(ints(expected.get("kept_after_stage1")), trace.kept());
            for (int patch : trace.reachedLastLayer()) {
                assertTrue(Arrays.binarySearch(trace.kept(), patch) >= 0, "stage 2 kept a patch stage 1 dropped");
            }
            reached += trace.reachedLastLayer().length;
        }
        assertEquals(out.visualTokensAfterStage2(), reached);
    }

    @Test
    void aScanWithoutMergingMarksTheDroppedPatchesAsDiscarded() {
        ReductionTrace trace = generate(ReductionConfig.explicit(ReductionMethod.VSCAN_NOMERGE, 32, 8, 2), 1)
                .reductionTraces().get(0);
        StageOneTrace stageOne = trace.stageOne();
        for (int patch = 0; patch < 64; patch++) {
            boolean kept = Arrays.binarySearch(trace.kept(), patch) >= 0;
            assertEquals(kept ? patch : -1, stageOne.mergeTargets()[patch]);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
