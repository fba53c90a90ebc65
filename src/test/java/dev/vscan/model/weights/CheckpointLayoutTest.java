package dev.vscan.model.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointLayoutTest {

    /** Each published llava-hf name next to its canonical (transformers v5) name. */
    private static final List<String[]> PAIRS = List.of(
            new String[] {"vision_tower.vision_model.embeddings.class_embedding",
                    "model.vision_tower.vision_model.embeddings.class_embedding"},
            new String[] {"multi_modal_projector.linear_1.weight", "model.multi_modal_projector.linear_1.weight"},
            new String[] {"multi_modal_projector.linear_2.bias", "model.multi_modal_projector.linear_2.bias"},
            new String[] {"language_model.model.layers.3.self_attn.q_proj.weight",
                    "model.language_model.layers.3.self_attn.q_proj.weight"},
            new String[] {"language_model.model.norm.weight", "model.language_model.norm.weight"},
            new String[] {"language_model.lm_head.weight", "lm_head.weight"});

    @TempDir
    Path tmp;

    @Test
    void llavaHfNamesMapToCanonicalAndBack() {
        for (String[] pair : PAIRS) {
            assertEquals(pair[1], CheckpointLayout.LLAVA_HF.toCanonical(pair[0]));
            assertEquals(pair[0], CheckpointLayout.LLAVA_HF.fromCanonical(pair[1]));
            assertEquals(pair[1], CheckpointLayout.TRANSFORMERS_V5.toCanonical(pair[1]));
            assertEquals(pair[1], CheckpointLayout.TRANSFORMERS_V5.fromCanonical(pair[1]));
        }
    }

    @Test
    void detectsEachLayoutAndIgnoresRotaryInverseFrequencies() {
        Set<String> hf = new LinkedHashSet<>();
        Set<String> v5 = new LinkedHashSet<>();
        for (String[] pair : PAIRS) {
            hf.add(pair[0]);
            v5.add(pair[1]);
        }
        hf.add("language_model.model.layers.0.self_attn.rotary_emb.inv_freq");
        v5.add("model.language_model.layers.0.self_attn.rotary_emb.inv_freq");
        assertEquals(CheckpointLayout.LLAVA_HF, CheckpointLayout.detect(hf));
        assertEquals(CheckpointLayout.TRANSFORMERS_V5, CheckpointLayout.detect(v5));
    }

    @Test
    void unknownNamesAreListedWhenNoLayoutFits() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointLayout.detect(
                Set.of("vision_tower.vision_model.post_layernorm.weight", "model.mm_projector.0.weight")));
        assertTrue(e.getMessage().startsWith("cannot tell the checkpoint layout"), e.getMessage());
        assertTrue(e.getMessage().endsWith("names that fit none, e.g.: model.mm_projector.0.weight"), e.getMessage());
    }

    @Test
    void canonicalWeightsCheckShapeAndExplainMissingTensors() {
        Path dir = tmp.resolve("ckpt");
        writeSmallLlavaHf(dir);
        try (CanonicalWeights weights = CanonicalWeights.open(dir)) {
            assertEquals(CheckpointLayout.LLAVA_HF, weights.layout());
            assertFalse(weights.has("model.language_model.layers.0.self_attn.rotary_emb.inv_freq"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
                    weights.readFloat32("model.multi_modal_projector.linear_1.weight", 2, 3));

            CheckpointException shape = assertThrows(CheckpointException.class,
                    () -> weights.readFloat32Buffer("model.multi_modal_projector.linear_1.weight", 3, 2));
            assertEquals("tensor multi_modal_projector.linear_1.weight in file " + dir.resolve("model.safetensors")
                    + " has shape [2, 3] but the config expects [3, 2]", shape.getMessage());

            CheckpointException missing = assertThrows(CheckpointException.class,
                    () -> weights.readFloat32("model.language_model.layers.7.mlp.up_proj.weight"));
            assertEquals("checkpoint " + dir + " has no tensor model.language_model.layers.7.mlp.up_proj.weight"
                    + " (stored as language_model.model.layers.7.mlp.up_proj.weight in the LLAVA_HF layout)",
                    missing.getMessage());
        }
    }

    @Test
    void convertingLayoutAndShardingKeepsEveryTensorByteForByte() throws Exception {
        Path src = tmp.resolve("hf");
        writeSmallLlavaHf(src);
        Files.writeString(src.resolve("config.json"), "{\"model_type\":\"llava\"}");
        Path v5 = tmp.resolve("v5");
        Path back = tmp.resolve("back");

        CheckpointConverter.convertLayout(src, v5, CheckpointLayout.TRANSFORMERS_V5, 2);
        CheckpointConverter.convertLayout(v5, back, CheckpointLayout.LLAVA_HF, 1);

        assertTrue(Files.isRegularFile(v5.resolve("model-00002-of-00002.safetensors")));
        assertEquals("{\"model_type\":\"llava\"}", Files.readString(v5.resolve("config.json")));
        try (CanonicalWeights original = CanonicalWeights.open(src);
             CanonicalWeights converted = CanonicalWeights.open(v5);
             CanonicalWeights roundTrip = CanonicalWeights.open(back)) {
            assertEquals(CheckpointLayout.TRANSFORMERS_V5, converted.layout());
            assertEquals(CheckpointLayout.LLAVA_HF, roundTrip.layout());
            assertTrue(converted.store().contains("lm_head.weight"));
            assertEquals(Set.copyOf(original.canonicalNames()), Set.copyOf(converted.canonicalNames()));
            for (String name : original.canonicalNames()) {
                assertEquals(original.info(name).dtype(), converted.info(name).dtype(), name);
                assertEquals(original.raw(name), converted.raw(name), name);
                assertEquals(original.raw(name), roundTrip.raw(name), name);
            }
        }
    }

    @Test
    void referenceCheckpointConvertsToEquivalentShardedV5() {
        Path src = ReferenceFixture.llavaReference();
        Path dst = tmp.resolve("reference-v5");
        CheckpointConverter.convertLayout(src, dst, CheckpointLayout.TRANSFORMERS_V5, 3);
        try (CanonicalWeights original = CanonicalWeights.open(src);
             CanonicalWeights converted = CanonicalWeights.open(dst)) {
            assertEquals(114, converted.canonicalNames().size());
            for (String name : original.canonicalNames()) {
                assertEquals(original.raw(name), converted.raw(name), name);
            }
        }
        assertTrue(Files.isRegularFile(dst.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(dst.resolve("preprocessor_config.json")));
    }

    private static void writeSmallLlavaHf(Path dir) {
        new ShardedCheckpointWriter(1)
                .add("multi_modal_projector.linear_1.weight", DType.F32, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .add("vision_tower.vision_model.embeddings.class_embedding", DType.BF16, new long[] {2},
                        new float[] {0.5f, -3})
                .add("language_model.model.norm.weight", DType.F16, new long[] {2}, new float[] {1, 0.1f})
                .add("language_model.lm_head.weight", DType.F32, new long[] {1, 2}, new float[] {7, 8})
                .add("language_model.model.layers.0.self_attn.rotary_emb.inv_freq", DType.F32, new long[] {1},
                        new float[] {1})
                .write(dir);
    }
}
