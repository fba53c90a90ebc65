package dev.vscan.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.ProcessMemory;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.extension.SequencePruner;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding must not accumulate memory: each step's arrays die with the step and the cache is written
 * in place. Measured on the small preset (8 layers, a 1,500-token prompt: a 48 MB cache), where a step
 * that kept a copy of the cache alive would add that much per step.
 */
class DecodeMemoryTest {

    private static final int PROMPT = 1500;
    private static final int STEPS = 256;

    @Test
    void nativeMemoryAfter256StepsIsWithin30PercentOfThatAfter16(@TempDir Path dir) {
        assumeTrue(ProcessMemory.available(), "needs /proc/self/status");
        TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.SMALL, 5);
        try (LlavaModel model = LlavaModel.load(dir, EngineOptions.cpu())) {
            long[] prompt = new Random(1).longs(PROMPT, 3, model.config().text().vocabSize()).toArray();
            decode(model, prompt, 32, new long[4]); // warm up libtorch's kernels and the JIT
            long base = ProcessMemory.nativeBytesInUse();
            long[] at = new long[4];
            decode(model, prompt, STEPS, at);
            long after16 = at[0] - base;
            long after256 = at[2] - base;
            assertEquals(at[1], at[3], "arrays alive under the model's manager after 16 and after 256 steps");
            assertTrue(after16 > 0, "the cache itself takes memory: " + after16);
            assertTrue(after256 <= 1.3 * after16, String.format(
                    "native memory grew from %.1f MB after 16 steps to %.1f MB after %d", after16 / 1e6,
                    after256 / 1e6, STEPS));
        }
    }

    /**
     * Prefills the prompt and decodes greedily for {@code steps}, recording malloc's bytes in use and the
     * arrays alive under the model's manager around step 16 (at[0], at[1]) and the last step (at[2], at[3]).
     */
    private static void decode(LlavaModel model, long[] prompt, int steps, long[] at) {
        LlamaModel lm = model.language();
        try (NDManager request = model.manager().newSubManager()) {
            PrefillResult prefill;
            try (NDManager scope = request.newSubManager()) {
                prefill = lm.prefill(List.of(lm.embed(scope.create(prompt))), List.of(RopePositions.sequential(prompt.length)),
                        List.of(new boolean[prompt.length]), List.of(SequencePruner.NONE), request, new int[] {steps});
            }
            SequenceCache cache = prefill.cache().sequence(0);
            int capacity = cache.capacity(0);
            long token = 7;
            at[0] = Long.MAX_VALUE;
            at[2] = Long.MAX_VALUE;
            for (int step = 1; step <= steps; step++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray logits = lm.decode(scope, new long[] {token}, List.of(cache));
                    token = logits.argMax(1).toLongArray()[0];
                }
                // The least over the window's last eight steps: the JIT compiler's own mallocs come and go.
                int slot = step > 8 && step <= 16 ? 0 : step > steps - 8 ? 2 : -1;
                if (slot >= 0) {
                    at[slot] = Math.min(at[slot], ProcessMemory.nativeBytesInUse());
                    at[slot + 1] = model.manager().getManagedArrays().size();
                }
            }
            assertEquals(capacity, cache.capacity(0), "a reserved cache is written in place, never regrown");
            assertEquals(prompt.length + steps, cache.length(0));
        }
    }
}
