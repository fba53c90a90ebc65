package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static final double[] MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] STD = {0.26862954, 0.26130258, 0.27577711};

    /** CLIP's normalisation written out by hand: (v / 255 - mean) / std. */
    private static double normalized(int value, int channel) {
        return (value / 255.0 - MEAN[channel]) / STD[channel];
    }

    /** No resize, rescale or normalise: output is the raw 8-bit samples, to check geometry. */
    private static ImageProcessingSpec cropOnly(int cropHeight, int cropWidth) {
        ImageProcessingSpec clip = ImageProcessingSpec.clip(1);
        return new ImageProcessingSpec(1, cropHeight, cropWidth, false, true, false, 1.0 / 255, false,
                clip.mean(), clip.std(), true);
    }

    @Test
    void twoByTwoPngIsNormalisedPerChannelInChwOrder() {
        int[][][] pixels = {
            {{255, 0, 0}, {0, 255, 0}},
            {{0, 0, 255}, {128, 64, 32}},
        };
        byte[] png = TestImages.encode(TestImages.rgb(pixels), "png");
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImageProcessingSpec.clip(2), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(png);

        assertArrayEquals(new long[] {3, 2, 2}, out.shape());
        // CHW: all red values first (row by row), then green, then blue.
        double[] expected = {
            normalized(255, 0), normalized(0, 0), normalized(0, 0), normalized(128, 0),
            normalized(0, 1), normalized(255, 1), normalized(0, 1), normalized(64, 1),
            normalized(0, 2), normalized(0, 2), normalized(255, 2), normalized(32, 2),
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.data()[i], 1e-6, "element " + i);
        }
        assertEquals(normalized(64, 1), out.get(1, 1, 1), 1e-6);
    }

    @Test
    void centerCropOf6x4TakesTheMiddleWindow() {
        // red = 10 * column, green = 10 * row; top = (4 - 2) / 2 = 1, left = (6 - 2) / 2 = 2.
        int[][][] pixels = new int[4][6][];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                pixels[y][x] = new int[] {10 * x, 10 * y, 7};
            }
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(cropOnly(2, 2), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(TestImages.rgb(pixels));

        assertArrayEquals(new float[] {20, 30, 20, 30, 10, 10, 20, 20, 7, 7, 7, 7}, out.data());
    }

    @Test
    void oddMarginsRoundTheOffsetDown() {
        // 5 wide cropped to 2: left = (5 - 2) / 2 = 1.
        int[][][] pixels = {{{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}}};
        ImagePreprocessor preprocessor = new ImagePreprocessor(cropOnly(1, 2), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(TestImages.rgb(pixels));

        assertArrayEquals(new float[] {1, 2, 0, 0, 0, 0}, out.data());
    }

    @Test
    void imageSmallerThanTheCropIsZeroPadded() {
        // 1x1 into 3 high x 2 wide: padding ceil(2 / 2) = 1 above, ceil(1 / 2) = 1 to the left.
        ImagePreprocessor preprocessor = new ImagePreprocessor(cropOnly(3, 2), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(TestImages.filled(1, 1, 200, 100, 50));

        assertArrayEquals(new float[] {
            0, 0, 0, 200, 0, 0,
            0, 0, 0, 100, 0, 0,
            0, 0, 0, 50, 0, 0}, out.data());
    }

    @Test
    void shortestEdgeResizeTruncatesTheLongSide() {
        assertArrayEquals(new int[] {168, 112}, ImagePreprocessor.resizedSize(300, 200, 112));
        assertArrayEquals(new int[] {112, 168}, ImagePreprocessor.resizedSize(200, 300, 112));
        // 2 * 7 / 3 = 4.67 becomes 4, not 5.
        assertArrayEquals(new int[] {4, 2}, ImagePreprocessor.resizedSize(7, 3, 2));
        assertArrayEquals(new int[] {336, 336}, ImagePreprocessor.resizedSize(50, 50, 336));
    }

    @Test
    void landscapeImageIsResizedThenCroppedToASquare() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImageProcessingSpec.clip(112), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(TestImages.encode(TestImages.filled(300, 200, 40, 80, 160), "png"));

        assertArrayEquals(new long[] {3, 112, 112}, out.shape());
        // Bicubic weights sum to one, so a flat colour survives the resize exactly.
        assertEquals(normalized(40, 0), out.get(0, 0, 0), 1e-6);
        assertEquals(normalized(80, 1), out.get(1, 111, 55), 1e-6);
        assertEquals(normalized(160, 2), out.get(2, 60, 111), 1e-6);
    }

    @Test
    void withoutRgbConversionGrayImagesAreRefused() {
        ImageProcessingSpec clip = ImageProcessingSpec.clip(2);
        ImageProcessingSpec noConvert = new ImageProcessingSpec(2, 2, 2, true, true, true, 1.0 / 255, true,
                clip.mean(), clip.std(), false);
        BufferedImage gray = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);

        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> new ImagePreprocessor(noConvert, ImageLimits.defaults()).preprocess(gray));

        assertEquals(InvalidImageException.Reason.UNSUPPORTED_FORMAT, e.reason());
    }

    @Test
    void referenceFixtureImageNeedsNoResize() throws IOException {
        Path image = fixturesDir().resolve("llava-reference/image.png");
        Assumptions.assumeTrue(Files.isRegularFile(image), "fixture missing: " + image);
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImageProcessingSpec.clip(112), ImageLimits.defaults());

        PixelValues out = preprocessor.preprocess(Files.readAllBytes(image));

        assertArrayEquals(new long[] {3, 112, 112}, out.shape());
        BufferedImage raw = ImageIO.read(image.toFile());
        assertEquals(112, raw.getWidth());
        int[] rgb = RgbConversion.interleaved(raw);
        for (int c = 0; c < 3; c++) {
            assertEquals(normalized(rgb[c], c), out.get(c, 0, 0), 1e-6, "channel " + c);
        }
        int last = (111 * 112 + 111) * 3;
        assertEquals(normalized(rgb[last + 2], 2), out.get(2, 111, 111), 1e-6);
    }

    private static Path fixturesDir() {
        String configured = System.getProperty("shared.fixtures");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        return Path.of("/work/shared/fixtures");
    }
}
