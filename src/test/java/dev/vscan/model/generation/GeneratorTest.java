package dev.vscan.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.image.ImageLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batched generation on a generated tiny checkpoint. */
class GeneratorTest {

    private static LlavaPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = LlavaPipeline.load(TestModels.tinyCheckpoint(), EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static GenerationRequest oneImage(SamplingParams sampling) {
        return pipeline.request("what colour is the big circle ?", List.of(TestModels.png(1, 112, 112)), sampling,
                VisualTokenReducer.NONE, SequencePruner.NONE);
    }

    private static GenerationRequest twoImages(SamplingParams sampling) {
        return pipeline.request("which image has more red shapes , the first or the second one ?",
                List.of(TestModels.png(2, 150, 120), TestModels.png(3, 112, 112)), sampling,
                VisualTokenReducer.NONE, SequencePruner.NONE);
    }

    @Test
    void aRaggedBatchEqualsEachRequestAlone() {
        SamplingParams greedy = SamplingParams.greedy(6);
        List<GenerationRequest> both = List.of(oneImage(greedy), twoImages(greedy));
        assertTrue(both.get(0).promptIds().length != both.get(1).promptIds().length);

        float[][] batched = pipeline.generator().promptLogits(both);
        for (int r = 0; r < 2; r++) {
            float[] alone = pipeline.generator().promptLogits(List.of(both.get(r)))[0];
            assertArrayEquals(alone, batched[r], 1e-5f, "request " + r);
        }
        List<GenerationOutput> outputs = pipeline.generator().generate(both);
        for (int r = 0; r < 2; r++) {
            GenerationOutput alone = pipeline.generator().generate(List.of(both.get(r))).get(0);
            assertArrayEquals(alone.tokens(), outputs.get(r).tokens(), "request " + r);
            assertEquals(2, outputs.get(r).batchSize());
        }
        assertEquals(64, outputs.get(0).visualTokensAfterStage1());
        assertEquals(128, outputs.get(1).visualTokensAfterStage1());
        assertEquals(outputs.get(1).textTokens() + 128, outputs.get(1).promptTokens());
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        SamplingParams sampled = new SamplingParams(10, 1.5, 0.95, 42);
        long[] first = pipeline.generator().generate(List.of(oneImage(sampled))).get(0).tokens();
        long[] second = pipeline.generator().generate(List.of(oneImage(sampled))).get(0).tokens();
        assertArrayEquals(first, second);
        long[] greedy = pipeline.generator().generate(List.of(oneImage(SamplingParams.greedy(10)))).get(0).tokens();
        assertEquals(10, greedy.length);
    }

    @Test
    void streamingSeesEveryTokenInOrder() {
        List<Long> streamed = new ArrayList<>();
        GenerationOutput out = pipeline.generator().generate(List.of(oneImage(SamplingParams.greedy(5))),
                (request, token) -> streamed.add(token)).get(0);
        assertArrayEquals(out.tokens(), streamed.stream().mapToLong(Long::longValue).toArray());
    }

    @Test
    void aPrunerThatKeepsEveryTokenChangesNothing() {
        SequencePruner keepAll = new SequencePruner() {
            @Override
            public int[] pruneAfterLayers() {
                return new int[] {2};
            }

            @Override
            public PruneDecision decide(PruneContext context) {
                assertEquals(64, context.visualTokens().length);
                assertEquals(context.sequenceLength(), context.nextLayerAttention().get().length);
                return new PruneDecision(context.visualTokens(), true);
            }
        };
        GenerationRequest plain = oneImage(SamplingParams.greedy(4));
        GenerationRequest hooked = new GenerationRequest(plain.promptIds(), plain.images(), plain.sampling(),
                VisualTokenReducer.NONE, keepAll);
        assertArrayEquals(pipeline.generator().promptLogits(List.of(plain))[0],
                pipeline.generator().promptLogits(List.of(hooked))[0], 1e-6f);
        assertArrayEquals(pipeline.generator().generate(List.of(plain)).get(0).tokens(),
                pipeline.generator().generate(List.of(hooked)).get(0).tokens());
    }

    @Test
    void aPromptWhosePlaceholdersDoNotMatchItsImagesIsRefused() {
        GenerationRequest one = oneImage(SamplingParams.greedy(2));
        GenerationRequest wrong = GenerationRequest.plain(one.promptIds(), List.of(), one.sampling());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pipeline.generator().generate(List.of(wrong)));
        assertEquals("request 0 has 1 image placeholders but 0 images", e.getMessage());
    }

    /** A stage-1 stand-in that keeps the even patches of each image. */
    private static final VisualTokenReducer EVEN_PATCHES = (image, projector) -> {
        int[] kept = new int[(image.patches() + 1) / 2];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = 2 * i;
        }
        var projected = projector.apply(image.features());
        return new ReducedImage(projected.get(projected.getManager().create(
                Arrays.stream(kept).asLongStream().toArray())), kept);
    };

    private static GenerationRequest halved(GenerationRequest plain, VisualPositions positions) {
        return new GenerationRequest(plain.promptIds(), plain.images(), plain.sampling(), EVEN_PATCHES,
                SequencePruner.NONE, positions);
    }

    @Test
    void originalPositionsDecodeAsAFullPrefillOfTheLongerPromptWould() {
        GenerationRequest original = halved(oneImage(SamplingParams.greedy(3)), VisualPositions.ORIGINAL);
        long[] answer = pipeline.generator().generate(List.of(original)).get(0).tokens();
        assertEquals(3, answer.length);

        long[] longer = Arrays.copyOf(original.promptIds(), original.promptIds().length + 2);
        longer[longer.length - 2] = answer[0];
        longer[longer.length - 1] = answer[1];
        GenerationRequest reprompted = new GenerationRequest(longer, original.images(), original.sampling(),
                EVEN_PATCHES, SequencePruner.NONE, VisualPositions.ORIGINAL);
        float[] logits = pipeline.generator().promptLogits(List.of(reprompted))[0];
        assertEquals(answer[2], argMax(logits));
    }

    @Test
    void keptTokensSeeDifferentDistancesUnderTheTwoSettings() {
        GenerationRequest plain = twoImages(SamplingParams.greedy(2));
        float[][] both = pipeline.generator().promptLogits(List.of(halved(plain, VisualPositions.REFERENCE),
                halved(plain, VisualPositions.ORIGINAL)));
        float largest = 0;
        for (int i = 0; i < both[0].length; i++) {
            largest = Math.max(largest, Math.abs(both[0][i] - both[1][i]));
        }
        assertTrue(largest > 1e-3f, "largest logit change " + largest);
        // and a batch mixing the settings gives each request what it gets alone
        float[] alone = pipeline.generator().promptLogits(List.of(halved(plain, VisualPositions.ORIGINAL)))[0];
        assertArrayEquals(alone, both[1], 1e-5f);
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
