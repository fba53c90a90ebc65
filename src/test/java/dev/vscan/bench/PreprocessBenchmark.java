package dev.vscan.bench;

import dev.vscan.model.TestModels;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.image.ImageProcessingSpec;
import dev.vscan.model.image.RgbConversion;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-request image preprocessing as the service does it: a 112x112 RGB PNG decoded from bytes and
 * prepared for a crop of 112, so nothing is resized. Times, in one run and interleaved, the decode
 * alone, the path as first written (interleave band by band, crop pixel by pixel, normalise sample by
 * sample, kept here) and {@link ImagePreprocessor#preprocess(byte[])}, then both paths again on an
 * image decoded beforehand; prints median µs per image.
 *
 * <p>Arguments: {@code [--images 2000] [--size 112]}.
 */
public final class PreprocessBenchmark {

    private PreprocessBenchmark() {}

    public static void main(String[] args) {
        int images = Integer.parseInt(BenchOptions.option(args, "--images", "2000"));
        int size = Integer.parseInt(BenchOptions.option(args, "--size", "112"));
        ImageProcessingSpec spec = ImageProcessingSpec.clip(size);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec, ImageLimits.defaults());
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        byte[] png = TestModels.png(7, size, size);
        BufferedImage decoded = decoder.decodeAsStored(png);
        if (!Arrays.equals(firstWritten(spec, decoder.decodeAsStored(png)), preprocessor.preprocess(png).data())) {
            throw new IllegalStateException("the two paths disagree");
        }
        long[] decode = new long[images];
        long[] before = new long[images];
        long[] after = new long[images];
        long[] beforeDecoded = new long[images];
        long[] afterDecoded = new long[images];
        float sink = 0;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            for (int i = 0; i < images; i++) {
                long t0 = System.nanoTime();
                sink += decoder.decodeAsStored(png).getWidth();
                long t1 = System.nanoTime();
                sink += firstWritten(spec, decoder.decodeAsStored(png))[i % 7];
                long t2 = System.nanoTime();
                sink += preprocessor.preprocess(png).data()[i % 7];
                long t3 = System.nanoTime();
                sink += firstWritten(spec, decoded)[i % 7];
                long t4 = System.nanoTime();
                sink += preprocessor.preprocess(decoded).data()[i % 7];
                long t5 = System.nanoTime();
                decode[i] = t1 - t0;
                before[i] = t2 - t1;
                after[i] = t3 - t2;
                beforeDecoded[i] = t4 - t3;
                afterDecoded[i] = t5 - t4;
            }
        }
        System.out.printf(Locale.ROOT, "%d images %dx%d PNG (%d bytes), median µs per image:%n", images, size, size,
                png.length);
        System.out.printf(Locale.ROOT, "| decode only | first written | now | first written, decoded | now, decoded |"
                + " (sink %.1f)%n", sink);
        System.out.printf(Locale.ROOT, "| %.1f | %.1f | %.1f | %.1f | %.1f |%n", median(decode), median(before),
                median(after), median(beforeDecoded), median(afterDecoded));
    }

    private static float[] firstWritten(ImageProcessingSpec spec, BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] hwc = RgbConversion.interleaved(image);
        int cropWidth = spec.cropWidth();
        int cropHeight = spec.cropHeight();
        // The crop of an image at least as large as the window; the benchmark's image always is.
        int top = (height - cropHeight) / 2;
        int left = (width - cropWidth) / 2;
        int[] cropped = new int[cropHeight * cropWidth * 3];
        for (int y = 0; y < cropHeight; y++) {
            for (int x = 0; x < cropWidth; x++) {
                System.arraycopy(hwc, ((y + top) * width + x + left) * 3, cropped, (y * cropWidth + x) * 3, 3);
            }
        }
        int plane = cropWidth * cropHeight;
        float[] chw = new float[3 * plane];
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                float v = (float) (cropped[3 * i + c] * spec.rescaleFactor());
                chw[c * plane + i] = (v - mean[c]) / std[c];
            }
        }
        return chw;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }
}
