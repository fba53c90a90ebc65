package dev.vscan.model.weights;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reads the shared tiny llava-hf checkpoint (skipped when the fixture is not present). */
class ReferenceCheckpointTest {

    @Test
    void publishedLayoutIsDetectedAndShapesMatchTheConfig() {
        Path dir = ReferenceFixture.llavaReference();
        try (CanonicalWeights weights = CanonicalWeights.open(dir)) {
            assertEquals(CheckpointLayout.LLAVA_HF, weights.layout());
            // 39 language-model tensors (embed, lm_head, 4 layers x 9, norm), 4 projector, 71 vision.
            assertEquals(114, weights.canonicalNames().size());
            TensorInfo patch = weights.info("model.vision_tower.vision_model.embeddings.patch_embedding.weight");
            assertArrayEquals(new long[] {48, 3, 14, 14}, patch.shape());
            assertEquals(DType.F32, patch.dtype());
            assertEquals("vision_tower.vision_model.embeddings.patch_embedding.weight", patch.name());
            assertEquals(48 * 3 * 14 * 14, weights.readFloat32(
                    "model.vision_tower.vision_model.embeddings.patch_embedding.weight", 48, 3, 14, 14).length);
            assertArrayEquals(new long[] {226, 64}, weights.info("lm_head.weight").shape());
        }
    }

    @Test
    void valuesMatchAnIndependentReader() {
        // First values as printed by Python's struct module straight from the file.
        try (CanonicalWeights weights = CanonicalWeights.open(ReferenceFixture.llavaReference())) {
            float[] norm = weights.readFloat32("model.language_model.norm.weight", 64);
            assertEquals(0.9112449288368225f, norm[0]);
            assertEquals(0.8234410881996155f, norm[1]);
            float[] cls = weights.readFloat32("model.vision_tower.vision_model.embeddings.class_embedding", 48);
            assertEquals(-0.7627979516983032f, cls[0]);
            assertEquals(-0.3269904553890228f, cls[2]);
        }
    }
}
