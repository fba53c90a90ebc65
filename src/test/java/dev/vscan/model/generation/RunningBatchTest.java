package dev.vscan.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching: requests join and leave a running batch between decode steps. */
class RunningBatchTest {

    private static LlavaPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = LlavaPipeline.load(TestModels.tinyCheckpoint(), EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    /** Everything a listener saw of one sequence. */
    private static final class Recorder implements SequenceListener {
        final List<Long> tokens = new ArrayList<>();
        final List<float[]> logits = new ArrayList<>();
        final List<String> finishOrder;
        final String name;
        GenerationOutput output;

        Recorder(String name, List<String> finishOrder) {
            this.name = name;
            this.finishOrder = finishOrder;
        }

        @Override
        public void onToken(long token) {
            tokens.add(token);
        }

        @Override
        public boolean wantsLogits() {
            return true;
        }

        @Override
        public void onLogits(float[] row) {
            logits.add(row);
        }

        @Override
        public void onFinished(GenerationOutput out) {
            output = out;
            finishOrder.add(name);
        }
    }

    private static GenerationRequest request(String question, long imageSeed, ReductionMethod method, int budget,
            SamplingParams sampling) {
        ReductionPlan plan = method == ReductionMethod.NONE ? ReductionPlan.none()
                : ReductionPlan.of(ReductionConfig.ofBudget(method, budget), pipeline.model().config(), 1);
        return pipeline.request(question, List.of(TestModels.png(imageSeed, 112, 112)), sampling, plan.reducer(),
                plan.pruner());
    }

    private static Recorder alone(GenerationRequest request) {
        Recorder r = new Recorder("alone", new ArrayList<>());
        try (RunningBatch batch = new RunningBatch(pipeline.model())) {
            batch.admit(List.of(new RunningBatch.Admission(request, r)));
            while (!batch.isEmpty()) {
                batch.step();
            }
        }
        return r;
    }

    @Test
    void aShortRequestArrivingDuringALongOneIsAnsweredFirst() {
        List<String> order = new ArrayList<>();
        Recorder longOne = new Recorder("long", order);
        Recorder shortOne = new Recorder("short", order);
        try (RunningBatch batch = new RunningBatch(pipeline.model())) {
            batch.admit(List.of(new RunningBatch.Admission(
                    request("describe the image .", 1, ReductionMethod.NONE, 0, new SamplingParams(40, 1.0, 1.0, 3)),
                    longOne)));
            for (int i = 0; i < 5; i++) {
                batch.step();
            }
            assertEquals(1, batch.size());
            batch.admit(List.of(new RunningBatch.Admission(
                    request("what colour ?", 2, ReductionMethod.NONE, 0, SamplingParams.greedy(3)), shortOne)));
            assertEquals(2, batch.size());
            while (!batch.isEmpty()) {
                batch.step();
            }
        }
        assertEquals(List.of("short", "long"), order);
        assertEquals(3, shortOne.output.tokens().length);
        assertEquals(FinishReason.LENGTH, shortOne.output.finishReason());
        assertTrue(shortOne.output.decodeBatch() > 1.9, "the short request decoded next to the long one");
    }

    @Test
    void everyRequestOfAStaggeredMixedRunEqualsRunningItAlone() {
        List<GenerationRequest> requests = List.of(
                request("what colour is the big circle ?", 1, ReductionMethod.NONE, 0, SamplingParams.greedy(12)),
                request("how many shapes are there ?", 2, ReductionMethod.VSCAN, 24, SamplingParams.greedy(9)),
                request("is there a square ?", 3, ReductionMethod.FASTV, 40, SamplingParams.greedy(7)),
                request("which side is the red one on ?", 4, ReductionMethod.VSCAN, 16,
                        new SamplingParams(10, 0.8, 0.9, 5)));
        List<Recorder> mixed = new ArrayList<>();
        List<String> order = new ArrayList<>();
        try (RunningBatch batch = new RunningBatch(pipeline.model())) {
            Recorder first = new Recorder("0", order);
            mixed.add(first);
            batch.admit(List.of(new RunningBatch.Admission(requests.get(0), first)));
            batch.step();
            batch.step();
            // Two join together while the first decodes, the last a step later.
            Recorder second = new Recorder("1", order);
            Recorder third = new Recorder("2", order);
            mixed.add(second);
            mixed.add(third);
            batch.admit(List.of(new RunningBatch.Admission(requests.get(1), second),
                    new RunningBatch.Admission(requests.get(2), third)));
            batch.step();
            Recorder fourth = new Recorder("3", order);
            mixed.add(fourth);
            batch.admit(List.of(new RunningBatch.Admission(requests.get(3), fourth)));
            assertEquals(4, batch.size());
            while (!batch.isEmpty()) {
                batch.step();
            }
        }
        for (int r = 0; r < requests.size(); r++) {
            Recorder single = alone(requests.get(r));
            Recorder together = mixed.get(r);
            assertEquals(single.tokens, together.tokens, "tokens of request " + r);
            assertEquals(single.logits.size(), together.logits.size());
            for (int step = 0; step < single.logits.size(); step++) {
                assertArrayEquals(single.logits.get(step), together.logits.get(step), 1e-5f,
                        "logits of request " + r + " at step " + step);
            }
            assertArrayEquals(single.output.visualTokensPerLayer(), together.output.visualTokensPerLayer());
        }
        assertTrue(mixed.get(1).output.visualTokensAfterStage2() < mixed.get(0).output.visualTokensAfterStage2());
    }

    @Test
    void aCancelledSequenceEndsWithTheTokensSoFarAndFreesItsPlace() {
        Recorder r = new Recorder("cancelled", new ArrayList<>());
        try (RunningBatch batch = new RunningBatch(pipeline.model())) {
            RunningSequence s = batch.admit(List.of(new RunningBatch.Admission(
                    request("describe the image .", 1, ReductionMethod.NONE, 0, new SamplingParams(50, 1.0, 1.0, 3)),
                    r))).get(0);
            long cached = batch.cachedTokens();
            assertTrue(cached >= 64 + 49, "the cache holds the prompt and room for max_new_tokens: " + cached);
            batch.step();
            batch.step();
            assertTrue(batch.cancel(s));
            assertFalse(batch.cancel(s));
            assertEquals(0, batch.size());
            assertEquals(0, batch.cachedTokens());
        }
        assertEquals(FinishReason.CANCELLED, r.output.finishReason());
        assertEquals(3, r.output.tokens().length);
    }

    @Test
    void aRequestTheModelCannotRunIsRefusedAndNothingIsAdmitted() {
        GenerationRequest ok = request("what colour ?", 2, ReductionMethod.NONE, 0, SamplingParams.greedy(3));
        GenerationRequest noImage = new GenerationRequest(ok.promptIds(), List.of(), SamplingParams.greedy(3),
                ok.reducer(), ok.pruner());
        try (RunningBatch batch = new RunningBatch(pipeline.model())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.admit(List.of(
                    new RunningBatch.Admission(ok, new Recorder("a", new ArrayList<>())),
                    new RunningBatch.Admission(noImage, new Recorder("b", new ArrayList<>())))));
            assertTrue(e.getMessage().contains("request 1 has 1 image placeholders but 0 images"), e.getMessage());
            assertEquals(0, batch.size());
        }
    }
}
