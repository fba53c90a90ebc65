package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.TestModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The direct raster path and the normalisation table against the preprocessing as first written
 * (interleave, resize, crop pixel by pixel, normalise sample by sample), bit for bit.
 */
class PreprocessEquivalenceTest {

    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.defaults());

    @Test
    void everyImageKindSizeAndSpecGivesTheSameBits() throws IOException {
        ImageProcessingSpec clip = ImageProcessingSpec.clip(112);
        ImageProcessingSpec[] specs = {clip, ImageProcessingSpec.clip(64),
            // No resize and a crop wider than some images, so the window pads.
            new ImageProcessingSpec(112, 120, 90, false, true, true, 1.0 / 255.0, true, clip.mean(), clip.std(),
                    true),
            // Neither crop nor normalisation: the raw rescaled image.
            new ImageProcessingSpec(112, 112, 112, false, false, true, 1.0 / 255.0, false, clip.mean(),
                    clip.std(), true),
            new ImageProcessingSpec(112, 112, 112, false, true, false, 1.0 / 255.0, true, clip.mean(),
                    clip.std(), true)};
        int[][] sizes = {{112, 112}, {200, 150}, {112, 140}, {150, 112}, {113, 112}, {111, 127}, {60, 50},
            {64, 64}, {1, 1}};
        int compared = 0;
        for (int[] size : sizes) {
            for (BufferedImage image : images(size[0], size[1])) {
                for (ImageProcessingSpec spec : specs) {
                    float[] expected = reference(spec, image);
                    float[] actual = new ImagePreprocessor(spec, ImageLimits.defaults()).preprocess(image).data();
                    String what = describe(image) + " " + size[0] + "x" + size[1] + " " + spec;
                    assertEquals(expected.length, actual.length, what);
                    for (int i = 0; i < expected.length; i++) {
                        if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                            throw new AssertionError(what + ": value " + i + " is " + actual[i] + ", expected "
                                    + expected[i]);
                        }
                    }
                    compared++;
                }
            }
        }
        assertTrue(compared > 300, "compared " + compared);
    }

    @Test
    void theCommonKindsTakeTheRasterPathAndTheOthersFallBack() throws IOException {
        NormalizedChw normalized = new NormalizedChw(ImageProcessingSpec.clip(8));
        BufferedImage rgb = noise(BufferedImage.TYPE_INT_RGB, 8, 8);
        BufferedImage argb = noise(BufferedImage.TYPE_INT_ARGB, 8, 8);
        for (BufferedImage direct : List.of(rgb, argb, noise(BufferedImage.TYPE_3BYTE_BGR, 8, 8),
                noise(BufferedImage.TYPE_4BYTE_ABGR, 8, 8), DECODER.decodeAsStored(encode(rgb, "png")),
                DECODER.decodeAsStored(encode(argb, "png")), DECODER.decodeAsStored(encode(rgb, "jpeg")))) {
            assertTrue(normalized.fromImage(direct, 0, 0, 8, 8) != null, describe(direct));
        }
        for (BufferedImage other : List.of(noise(BufferedImage.TYPE_INT_ARGB_PRE, 8, 8),
                noise(BufferedImage.TYPE_BYTE_GRAY, 8, 8), noise(BufferedImage.TYPE_BYTE_INDEXED, 8, 8),
                noise(BufferedImage.TYPE_USHORT_565_RGB, 8, 8))) {
            assertEquals(null, normalized.fromImage(other, 0, 0, 8, 8), describe(other));
        }
    }

    private static List<BufferedImage> images(int w, int h) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        if (w > 1 && h > 1) {
            out.add(DECODER.decodeAsStored(TestModels.png(w * 7L + h, w, h)));
        }
        BufferedImage rgb = noise(BufferedImage.TYPE_INT_RGB, w, h);
        BufferedImage argb = noise(BufferedImage.TYPE_INT_ARGB, w, h);
        out.add(rgb);
        out.add(argb);
        out.add(noise(BufferedImage.TYPE_INT_BGR, w, h));
        out.add(noise(BufferedImage.TYPE_3BYTE_BGR, w, h));
        out.add(noise(BufferedImage.TYPE_4BYTE_ABGR, w, h));
        out.add(noise(BufferedImage.TYPE_INT_ARGB_PRE, w, h));
        out.add(noise(BufferedImage.TYPE_BYTE_GRAY, w, h));
        out.add(noise(BufferedImage.TYPE_USHORT_565_RGB, w, h));
        // Decoded as ImageIO stores them: byte-interleaved RGB and RGBA, BGR from JPEG, grey, palette.
        out.add(DECODER.decodeAsStored(encode(rgb, "png")));
        out.add(DECODER.decodeAsStored(encode(argb, "png")));
        out.add(DECODER.decodeAsStored(encode(rgb, "jpeg")));
        out.add(DECODER.decodeAsStored(encode(noise(BufferedImage.TYPE_BYTE_GRAY, w, h), "png")));
        out.add(DECODER.decodeAsStored(encode(noise(BufferedImage.TYPE_BYTE_INDEXED, w, h), "png")));
        out.add(DECODER.decodeAsStored(encode(noise(BufferedImage.TYPE_USHORT_GRAY, w, h), "png")));
        if (w > 2 && h > 2) {
            // A subimage shares its parent's raster, offset by a sample-model translation.
            BufferedImage parent = noise(BufferedImage.TYPE_3BYTE_BGR, w + 5, h + 3);
            out.add(parent.getSubimage(3, 2, w, h));
            out.add(noise(BufferedImage.TYPE_INT_RGB, w + 4, h + 6).getSubimage(1, 5, w, h));
        }
        return out;
    }

    private static BufferedImage noise(int type, int w, int h) {
        Random random = new Random(type * 1_000_003L + w * 31L + h);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format);
        return out.toByteArray();
    }

    private static String describe(BufferedImage image) {
        return "type " + image.getType() + " " + image.getColorModel().getClass().getSimpleName() + "/"
                + image.getRaster().getSampleModel().getClass().getSimpleName();
    }

    // ImagePreprocessor.preprocess(BufferedImage) as it was before the raster path and the table.
    private static float[] reference(ImageProcessingSpec spec, BufferedImage image) {
        int[] hwc = RgbConversion.interleaved(image);
        int width = image.getWidth();
        int height = image.getHeight();
        if (spec.doResize()) {
            int[] size = ImagePreprocessor.resizedSize(width, height, spec.shortestEdge());
            if (size[0] != width || size[1] != height) {
                hwc = new BicubicResizer().resize(hwc, width, height, 3, size[0], size[1]);
                width = size[0];
                height = size[1];
            }
        }
        if (spec.doCenterCrop()) {
            int top = CenterCrop.offset(height, spec.cropHeight());
            int left = CenterCrop.offset(width, spec.cropWidth());
            int[] out = new int[spec.cropHeight() * spec.cropWidth() * 3];
            for (int y = 0; y < spec.cropHeight(); y++) {
                for (int x = 0; x < spec.cropWidth(); x++) {
                    int sy = y + top;
                    int sx = x + left;
                    if (sy >= 0 && sy < height && sx >= 0 && sx < width) {
                        System.arraycopy(hwc, (sy * width + sx) * 3, out, (y * spec.cropWidth() + x) * 3, 3);
                    }
                }
            }
            hwc = out;
            width = spec.cropWidth();
            height = spec.cropHeight();
        }
        int plane = width * height;
        float[] chw = new float[3 * plane];
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                int sample = hwc[3 * i + c];
                float v = spec.doRescale() ? (float) (sample * spec.rescaleFactor()) : sample;
                if (spec.doNormalize()) {
                    v = (v - mean[c]) / std[c];
                }
                chw[c * plane + i] = v;
            }
        }
        return chw;
    }
}
