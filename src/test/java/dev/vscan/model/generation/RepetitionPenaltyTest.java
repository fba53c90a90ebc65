package dev.vscan.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.image.ImageLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** transformers' repetition_penalty: seen tokens' logits shrink towards zero before the choice. */
class RepetitionPenaltyTest {

    @Test
    void positiveLogitsAreDividedAndNegativeOnesMultipliedForEverySeenToken() {
        RepetitionPenalty penalty = new RepetitionPenalty(2.0, new long[] {1, 1, 3});
        penalty.saw(4);
        float[] logits = {5f, 4f, 3f, -2f, 8f, 1f};
        penalty.apply(logits);
        assertArrayEquals(new float[] {5f, 2f, 3f, -4f, 4f, 1f}, logits);
    }

    @Test
    void aPenalisedGreedyAnswerPicksTheBestPenalisedLogitAtEveryStep() {
        try (LlavaPipeline pipeline = LlavaPipeline.load(TestModels.tinyCheckpoint(), EngineOptions.cpu(),
                ImageLimits.defaults())) {
            SamplingParams penalised = SamplingParams.greedy(12).ignoringEos().withRepetitionPenalty(1.3);
            GenerationRequest request = pipeline.request("what is in the picture ?",
                    List.of(TestModels.png(4, 64, 64)), penalised, VisualTokenReducer.NONE, SequencePruner.NONE);
            List<float[]> raw = new ArrayList<>();
            long[][] tokens = new long[1][];
            SequenceListener listener = new SequenceListener() {
                @Override
                public boolean wantsLogits() {
                    return true;
                }

                @Override
                public void onLogits(float[] logits) {
                    raw.add(logits.clone());
                }

                @Override
                public void onFinished(GenerationOutput output) {
                    tokens[0] = output.tokens();
                }
            };
            try (RunningBatch batch = pipeline.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(request, listener)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(12, tokens[0].length);
            long[] seen = request.promptIds();
            for (int step = 0; step < tokens[0].length; step++) {
                float[] expected = raw.get(step).clone();
                for (int id = 0; id < expected.length; id++) {
                    final int token = id;
                    if (Arrays.stream(seen).anyMatch(s -> s == token)) {
                        expected[id] = expected[id] < 0 ? expected[id] * 1.3f : expected[id] / 1.3f;
                    }
                }
                assertEquals(TokenSampler.argmax(expected), tokens[0][step], "step " + step);
                seen = Arrays.copyOf(seen, seen.length + 1);
                seen[seen.length - 1] = tokens[0][step];
            }
            // and the penalty changes this answer: without it the same request repeats itself somewhere
            List<GenerationOutput> plain = pipeline.generator().generate(List.of(pipeline.request(
                    "what is in the picture ?", List.of(TestModels.png(4, 64, 64)),
                    SamplingParams.greedy(12).ignoringEos(), VisualTokenReducer.NONE, SequencePruner.NONE)));
            assertFalse(Arrays.equals(plain.get(0).tokens(), tokens[0]), "the penalty changed nothing");
        }
    }

    @Test
    void aPenaltyMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(4).withRepetitionPenalty(0));
    }
}
