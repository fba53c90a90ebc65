package dev.vscan.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.SequencePruner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding with the KV cache must give what a full forward over the longer prompt gives. */
class KvCacheDecodeTest {

    @Test
    void everyDecodeStepEqualsAFullReforward() {
        try (LlavaModel model = LlavaModel.load(TestModels.tinyCheckpoint(), EngineOptions.cpu());
                NDManager manager = model.manager().newSubManager()) {
            LlamaModel lm = model.language();
            long[] prompt = {1, 40, 41, 42, 43, 44, 45};
            long[] continuation = {100, 7, 300, 12};
            KvCache cache = lm.prefill(List.of(lm.embed(manager.create(prompt))), List.of(new boolean[prompt.length]),
                    List.of(SequencePruner.NONE)).cache();
            List<Long> sequence = new ArrayList<>();
            for (long t : prompt) {
                sequence.add(t);
            }
            for (long token : continuation) {
                float[] cached = lm.decode(manager, new long[] {token}, cache).toFloatArray();
                sequence.add(token);
                long[] ids = sequence.stream().mapToLong(Long::longValue).toArray();
                NDArray full = lm.prefill(List.of(lm.embed(manager.create(ids))), List.of(new boolean[ids.length]),
                        List.of(SequencePruner.NONE)).logits();
                assertArrayEquals(full.toFloatArray(), cached, 1e-5f, "after token " + token);
            }
        }
    }
}
