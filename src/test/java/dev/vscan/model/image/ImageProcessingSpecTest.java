package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageProcessingSpecTest {

    @Test
    void clipDefaultsMatchLlavaHfPreprocessorConfig() {
        ImageProcessingSpec spec = ImageProcessingSpec.clip(336);

        assertEquals(336, spec.shortestEdge());
        assertEquals(336, spec.cropHeight());
        assertEquals(336, spec.cropWidth());
        assertEquals(0.00392156862745098, spec.rescaleFactor());
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, spec.mean());
        assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, spec.std());
        assertEquals(ImageProcessingSpec.clip(336), spec);
    }

    @Test
    void meanIsCopiedSoCallersCannotChangeIt() {
        ImageProcessingSpec spec = ImageProcessingSpec.clip(2);

        spec.mean()[0] = 9f;

        assertEquals(0.48145466f, spec.mean()[0]);
    }

    @Test
    void zeroStdIsRefusedWithTheOffendingValues() {
        float[] mean = {0.5f, 0.5f, 0.5f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageProcessingSpec(
                2, 2, 2, true, true, true, 1.0 / 255, true, mean, new float[] {0.5f, 0f, 0.5f}, true));

        assertTrue(e.getMessage().contains("std") && e.getMessage().contains("0.0"), e.getMessage());
    }

    @Test
    void twoChannelMeanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageProcessingSpec(
                2, 2, 2, true, true, true, 1.0 / 255, true, new float[] {0.5f, 0.5f}, new float[] {1, 1, 1}, true));

        assertTrue(e.getMessage().contains("needs 3 values"), e.getMessage());
    }
}
