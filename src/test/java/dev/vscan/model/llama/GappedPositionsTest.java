package dev.vscan.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.SequencePruner;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prefill at caller-given rotary positions, as used when dropped visual tokens keep their places. */
class GappedPositionsTest {

    private static final long[] PROMPT = {1, 40, 41, 42, 43, 44, 45};

    private static LlavaModel model;

    @BeforeAll
    static void load() {
        model = LlavaModel.load(TestModels.tinyCheckpoint(), EngineOptions.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static PrefillResult prefill(NDManager manager, long[] positions) {
        LlamaModel lm = model.language();
        return lm.prefill(List.of(lm.embed(manager.create(PROMPT))), List.of(positions),
                List.of(new boolean[PROMPT.length]), List.of(SequencePruner.NONE));
    }

    @Test
    void rotaryAttentionOnlySeesDistancesSoAUniformShiftChangesNothing() {
        try (NDManager manager = model.manager().newSubManager()) {
            float[] fromZero = prefill(manager, new long[] {0, 1, 2, 3, 4, 5, 6}).logits().toFloatArray();
            float[] fromForty = prefill(manager, new long[] {40, 41, 42, 43, 44, 45, 46}).logits().toFloatArray();
            assertArrayEquals(fromZero, fromForty, 2e-4f);
        }
    }

    @Test
    void aGapChangesTheDistancesAndSoTheLogits() {
        try (NDManager manager = model.manager().newSubManager()) {
            float[] dense = prefill(manager, new long[] {0, 1, 2, 3, 4, 5, 6}).logits().toFloatArray();
            float[] gapped = prefill(manager, new long[] {0, 1, 2, 30, 31, 32, 33}).logits().toFloatArray();
            float largest = 0;
            for (int i = 0; i < dense.length; i++) {
                largest = Math.max(largest, Math.abs(dense[i] - gapped[i]));
            }
            assertTrue(largest > 1e-3f, "largest logit change " + largest);
        }
    }

    @Test
    void decodingContinuesAfterTheLastGivenPosition() {
        LlamaModel lm = model.language();
        long[] gapped = {0, 1, 2, 30, 31, 32, 33};
        try (NDManager manager = model.manager().newSubManager()) {
            KvCache cache = prefill(manager, gapped).cache();
            float[] cached = lm.decode(manager, new long[] {100}, cache).toFloatArray();

            long[] longer = Arrays.copyOf(PROMPT, PROMPT.length + 1);
            longer[PROMPT.length] = 100;
            long[] longerPositions = Arrays.copyOf(gapped, gapped.length + 1);
            longerPositions[gapped.length] = 34;
            NDArray full = lm.prefill(List.of(lm.embed(manager.create(longer))), List.of(longerPositions),
                    List.of(new boolean[longer.length]), List.of(SequencePruner.NONE)).logits();
            assertArrayEquals(full.toFloatArray(), cached, 1e-5f);
        }
    }

    @Test
    void positionsMustRiseAndMatchTheTokens() {
        try (NDManager manager = model.manager().newSubManager()) {
            IllegalArgumentException falling = assertThrows(IllegalArgumentException.class,
                    () -> prefill(manager, new long[] {0, 1, 2, 2, 4, 5, 6}));
            assertTrue(falling.getMessage().contains("strictly ascending; token 3 has 2"), falling.getMessage());
            IllegalArgumentException shortList = assertThrows(IllegalArgumentException.class,
                    () -> prefill(manager, new long[] {0, 1, 2}));
            assertTrue(shortList.getMessage().contains("7 tokens but 3 positions"), shortList.getMessage());
        }
    }
}
