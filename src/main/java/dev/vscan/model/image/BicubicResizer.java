package dev.vscan.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Resizes 8-bit images bit-exactly like Pillow's {@code Image.resize(size, Image.BICUBIC)} (what Hugging
 * Face's slow CLIP processor calls): a separable convolution with the a = -0.5 cubic kernel, widened by
 * the scale factor when shrinking (antialiasing), coefficients normalised per output pixel and rounded to
 * 22-bit fixed point, horizontal pass first, each pass rounding and clipping to 0..255.
 */
public final class BicubicResizer {

    /** Pillow's PRECISION_BITS: 32 bits minus 8 for the sample minus 2 for overshoot and sign. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;

    /** Resizes an RGB image; returns a new {@link BufferedImage#TYPE_INT_RGB} image. */
    public BufferedImage resize(BufferedImage rgb, int outWidth, int outHeight) {
        int[] hwc = resize(RgbConversion.interleaved(rgb), rgb.getWidth(), rgb.getHeight(), 3, outWidth, outHeight);
        BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        int[] packed = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < packed.length; i++) {
            packed[i] = hwc[3 * i] << 16 | hwc[3 * i + 1] << 8 | hwc[3 * i + 2];
        }
        return out;
    }

    /**
     * Resizes channel-interleaved samples {@code [(y * width + x) * channels + c]}, each 0..255.
     *
     * @return samples of size outHeight * outWidth * channels in the same layout
     */
    public int[] resize(int[] hwc, int width, int height, int channels, int outWidth, int outHeight) {
        if (width <= 0 || height <= 0 || channels <= 0 || outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("cannot resize " + width + "x" + height + "x" + channels + " to "
                    + outWidth + "x" + outHeight + ": all sizes must be positive");
        }
        if (hwc.length != (long) width * height * channels) {
            throw new IllegalArgumentException("expected " + (long) width * height * channels + " samples for "
                    + width + "x" + height + "x" + channels + ", got " + hwc.length);
        }
        Coefficients vertical = Coefficients.of(height, outHeight);
        int[] current = hwc;
        int rowOffset = 0;
        int rows = height;
        if (outWidth != width) {
            // Like Pillow, run the horizontal pass only over the rows the vertical pass will read.
            rowOffset = vertical.first[0];
            rows = vertical.first[outHeight - 1] + vertical.count[outHeight - 1] - rowOffset;
            current = horizontal(hwc, width, channels, rowOffset, rows, Coefficients.of(width, outWidth));
        }
        if (outHeight != height) {
            current = vertical(current, outWidth, channels, rowOffset, vertical);
        } else if (current == hwc) {
            current = hwc.clone();
        }
        return current;
    }

    private static int[] horizontal(int[] in, int width, int channels, int rowOffset, int rows, Coefficients k) {
        int outWidth = k.first.length;
        int[] out = new int[rows * outWidth * channels];
        for (int y = 0; y < rows; y++) {
            int inRow = (y + rowOffset) * width * channels;
            for (int xx = 0; xx < outWidth; xx++) {
                int base = xx * k.stride;
                for (int c = 0; c < channels; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < k.count[xx]; i++) {
                        sum += in[inRow + (k.first[xx] + i) * channels + c] * k.fixed[base + i];
                    }
                    out[(y * outWidth + xx) * channels + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static int[] vertical(int[] in, int width, int channels, int rowOffset, Coefficients k) {
        int outHeight = k.first.length;
        int rowLength = width * channels;
        int[] out = new int[outHeight * rowLength];
        for (int yy = 0; yy < outHeight; yy++) {
            int base = yy * k.stride;
            int firstRow = k.first[yy] - rowOffset;
            for (int j = 0; j < rowLength; j++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < k.count[yy]; i++) {
                    sum += in[(firstRow + i) * rowLength + j] * k.fixed[base + i];
                }
                out[yy * rowLength + j] = clip8(sum);
            }
        }
        return out;
    }

    private static int clip8(int fixedPoint) {
        int v = fixedPoint >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** The a = -0.5 cubic convolution kernel (Keys), evaluated in Pillow's operation order. */
    static double bicubic(double x) {
        double ax = Math.abs(x);
        if (ax < 1.0) {
            return ((A + 2.0) * ax - (A + 3.0)) * ax * ax + 1;
        }
        if (ax < 2.0) {
            return (((ax - 5) * ax + 8) * ax - 4) * A;
        }
        return 0.0;
    }

    /**
     * Per output pixel: the first input index, how many inputs contribute, and their fixed-point weights
     * (row {@code o} of {@code fixed} starts at {@code o * stride}).
     */
    static final class Coefficients {
        final int[] first;
        final int[] count;
        final int[] fixed;
        final int stride;

        private Coefficients(int[] first, int[] count, int[] fixed, int stride) {
            this.first = first;
            this.count = count;
            this.fixed = fixed;
            this.stride = stride;
        }

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] fixed = new int[outSize * stride];
            double[] weights = new double[stride];
            // Pillow multiplies by the reciprocal; dividing would round differently.
            double invFilterScale = 1.0 / filterScale;
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                // Casts truncate toward zero, as Pillow's do, before clamping to the image.
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                int n = max - min;
                double total = 0.0;
                for (int i = 0; i < n; i++) {
                    weights[i] = bicubic((i + min - center + 0.5) * invFilterScale);
                    total += weights[i];
                }
                for (int i = 0; i < n; i++) {
                    double w = total != 0.0 ? weights[i] / total : weights[i];
                    fixed[o * stride + i] = toFixed(w);
                }
                first[o] = min;
                count[o] = n;
            }
            return new Coefficients(first, count, fixed, stride);
        }

        /** Rounds half away from zero, as Pillow's normalize_coeffs_8bpc does. */
        static int toFixed(double weight) {
            double scaled = weight * (1 << PRECISION_BITS);
            return (int) (weight < 0 ? scaled - 0.5 : scaled + 0.5);
        }
    }
}
