package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.TestModels;
import dev.vscan.model.llama.KvCache;
import dev.vscan.model.llama.LlamaModel;
import dev.vscan.model.llama.PrefillResult;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After pruning at layer k, decoding from the cache must give what a cache-free forward of the whole
 * extended sequence gives with the same pruning: layers before k see every token, layers from k on
 * see the survivors plus the generated tokens (text, never pruned), at the same positions.
 */
class PrunedDecodeTest {

    private static final int[] KEPT = {1, 4, 5, 8};
    private static final long[] GENERATED = {100, 7, 300};

    @ParameterizedTest(name = "renumber positions = {0}")
    @ValueSource(booleans = {true, false})
    void everyDecodeStepEqualsAPrunedReforward(boolean renumber) {
        try (LlavaModel model = LlavaModel.load(TestModels.tinyCheckpoint(), EngineOptions.cpu());
                NDManager manager = model.manager().newSubManager()) {
            LlamaModel lm = model.language();
            // Three text tokens, ten visual tokens (random embeddings), four text tokens.
            NDArray before = lm.embed(manager.create(new long[] {1, 40, 41}));
            NDArray after = lm.embed(manager.create(new long[] {42, 43, 44, 45}));
            NDArray image = randomRows(manager, 10, lm.config().hiddenSize(), 11);
            NDArray prompt = before.concat(image, 0).concat(after, 0);
            boolean[] visual = new boolean[17];
            for (int t = 3; t < 13; t++) {
                visual[t] = true;
            }
            FixedPruner pruner = new FixedPruner(2, KEPT, renumber);

            PrefillResult prefill = lm.prefill(List.of(prompt), List.of(visual), List.of(pruner));
            assertArrayEquals(new int[] {10, 10, 4, 4}, prefill.visualPerLayer()[0]);
            assertArrayEquals(new int[] {17, 17, 11, 11}, prefill.tokensPerLayer()[0]);
            KvCache cache = prefill.cache();
            assertEquals(17, cache.sequence(0).length(1));
            assertEquals(11, cache.sequence(0).length(2));

            NDArray sequence = prompt;
            boolean[] flags = visual;
            for (long token : GENERATED) {
                float[] cached = lm.decode(manager, new long[] {token}, cache).toFloatArray();
                sequence = sequence.concat(lm.embed(manager.create(new long[] {token})), 0);
                flags = java.util.Arrays.copyOf(flags, flags.length + 1);
                float[] full = lm.prefill(List.of(sequence), List.of(flags), List.of(pruner)).logits().toFloatArray();
                assertArrayEquals(full, cached, 1e-5f, "after token " + token);
            }
        }
    }

    private static NDArray randomRows(NDManager manager, int rows, int width, long seed) {
        Random random = new Random(seed);
        float[] data = new float[rows * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return manager.create(data, new Shape(rows, width));
    }
}
