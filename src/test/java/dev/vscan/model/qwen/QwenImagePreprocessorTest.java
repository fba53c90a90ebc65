package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenPreprocessorConfig;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.image.RgbConversion;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The processor against Qwen2VLImageProcessor's outputs for the fixture's two images. */
class QwenImagePreprocessorTest {

    private final QwenImagePreprocessor processor =
            new QwenImagePreprocessor(QwenConfigReader.preprocessor(QwenFixture.dir()), ImageLimits.defaults());
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    private final JsonNode debug = QwenFixture.expected().get("debug");

    @Test
    void resizesLikePillowByteForByte() throws IOException {
        assertResized("image.png", "image_resized.png", debug.get("resized_rgb_sha256").asText());
        assertResized("image2.png", "image2_resized.png", debug.get("image2_resized_rgb_sha256").asText());
    }

    private void assertResized(String image, String resizedImage, String sha256) throws IOException {
        BufferedImage original = decoder.decode(Files.readAllBytes(QwenFixture.dir().resolve(image)));
        int[] resized = processor.resized(RgbConversion.interleaved(original), original.getWidth(), original.getHeight());
        assertEquals(sha256, sha256(resized), image);
        BufferedImage reference = decoder.decode(Files.readAllBytes(QwenFixture.dir().resolve(resizedImage)));
        assertArrayEquals(RgbConversion.interleaved(reference), resized, resizedImage);
    }

    @Test
    void gridsAndTokenCountsOfBothImages() throws IOException {
        JsonNode images = QwenFixture.expected().get("two_images").get("images");
        for (JsonNode expected : images) {
            QwenImage image = prepare(expected.get("image").asText());
            assertArrayEquals(QwenFixture.ints(expected.get("grid_thw")), image.gridThw());
            assertEquals(expected.get("num_image_tokens").asInt(), image.tokens());
            assertEquals(expected.get("resized").get("height").asInt(), image.gridH() * 14);
            assertEquals(expected.get("resized").get("width").asInt(), image.gridW() * 14);
        }
    }

    @Test
    void pixelValuesMatchTheProcessor() throws IOException {
        QwenImage image = prepare("image.png");
        int[] shape = QwenFixture.ints(debug.get("pixel_values_shape"));
        assertEquals(shape[0], image.patches());
        assertEquals(shape[1], image.rowLength());
        double sum = 0;
        for (float v : image.pixelValues()) {
            sum += v;
        }
        // float32 normalisation against a float64 reference: about 1e-7 relative per value.
        double expectedSum = debug.get("pixel_values_sum").asDouble();
        assertEquals(expectedSum, sum, 1e-6 * Math.abs(expectedSum));
        double[] head = QwenFixture.doubles(debug.get("pixel_values_row0_head"));
        for (int i = 0; i < head.length; i++) {
            assertEquals(head[i], image.pixelValues()[i], 1e-5, "row 0 value " + i);
        }
    }

    @Test
    void rowsAreMergeBlocksThenSubPatchesEachChannelFrameYX() {
        // Raw samples (no resize, rescale or normalise): red = x, green = y, blue = 7.
        QwenPreprocessorConfig d = QwenPreprocessorConfig.DEFAULTS;
        QwenImagePreprocessor raw = new QwenImagePreprocessor(new QwenPreprocessorConfig(d.minPixels(), d.maxPixels(),
                14, 2, 2, false, false, 1.0 / 255, false, d.imageMean(), d.imageStd(), true), ImageLimits.defaults());
        int height = 56, width = 84;
        int[] hwc = new int[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                hwc[(y * width + x) * 3] = x;
                hwc[(y * width + x) * 3 + 1] = y;
                hwc[(y * width + x) * 3 + 2] = 7;
            }
        }
        QwenImage image = raw.fromRgb(hwc, width, height);
        assertArrayEquals(new int[] {1, 4, 6}, image.gridThw());
        float[] px = image.pixelValues();
        int plane = 14 * 14;
        for (int r = 0; r < image.patches(); r++) {
            int block = r / 4, bh = block / 3, bw = block % 3, mh = (r % 4) / 2, mw = r % 2;
            int top = (bh * 2 + mh) * 14, left = (bw * 2 + mw) * 14;
            for (int t = 0; t < 2; t++) {
                for (int y = 0; y < 14; y++) {
                    for (int x = 0; x < 14; x++) {
                        int at = r * image.rowLength() + t * plane + y * 14 + x;
                        assertEquals(left + x, px[at], "red (x) of row " + r);
                        assertEquals(top + y, px[at + 2 * plane], "green (y) of row " + r);
                        assertEquals(7, px[at + 4 * plane], "blue of row " + r);
                    }
                }
            }
        }
    }

    @Test
    void withoutResizeTheSidesMustAlreadyBeMultiplesOf28() {
        QwenPreprocessorConfig d = QwenPreprocessorConfig.DEFAULTS;
        QwenPreprocessorConfig noResize = new QwenPreprocessorConfig(d.minPixels(), d.maxPixels(), 14, 2, 2, false,
                true, 1.0 / 255, true, d.imageMean(), d.imageStd(), true);
        QwenImagePreprocessor exact = new QwenImagePreprocessor(noResize, ImageLimits.defaults());
        assertArrayEquals(new int[] {56, 84}, exact.targetSize(56, 84));
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> exact.targetSize(50, 84));
        assertEquals(InvalidImageException.Reason.UNSUPPORTED_SHAPE, e.reason());
        assertEquals(6, exact.fromRgb(new int[56 * 84 * 3], 84, 56).tokens());
    }

    private QwenImage prepare(String name) throws IOException {
        return (QwenImage) processor.prepare(Files.readAllBytes(QwenFixture.dir().resolve(name)));
    }

    private static String sha256(int[] samples) {
        byte[] bytes = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            bytes[i] = (byte) samples[i];
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
