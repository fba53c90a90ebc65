package dev.vscan.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Rescale and normalise of 8-bit RGB samples into channel-first floats, through a 256-entry table per
 * channel filled with the very float operations a per-sample computation would do, so every value is
 * bit-identical to it. For the common decoded kinds (8-bit RGB, BGR or RGBA, byte-interleaved or packed
 * in ints) it also reads a window of the raster directly, skipping the int copies of the image.
 */
final class NormalizedChw {

    private final ImageProcessingSpec spec;
    /** {@code [c * 256 + sample]}. */
    private final float[] table = new float[3 * 256];

    NormalizedChw(ImageProcessingSpec spec) {
        this.spec = spec;
        for (int c = 0; c < 3; c++) {
            for (int s = 0; s < 256; s++) {
                table[c * 256 + s] = compute(s, c);
            }
        }
    }

    // The definition the table caches: rescale in double then cast to float32, normalise in float32.
    private float compute(int sample, int c) {
        float v = spec.doRescale() ? (float) (sample * spec.rescaleFactor()) : sample;
        if (spec.doNormalize()) {
            v = (v - spec.mean()[c]) / spec.std()[c];
        }
        return v;
    }

    /** CHW floats of interleaved samples {@code [(y * width + x) * 3 + c]}. */
    float[] fromHwc(int[] hwc, int width, int height) {
        int plane = width * height;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                int sample = hwc[3 * i + c];
                // fromRgb is public, so a caller's sample may lie outside the table.
                chw[c * plane + i] = (sample & ~0xFF) == 0 ? table[c * 256 + sample] : compute(sample, c);
            }
        }
        return chw;
    }

    /**
     * CHW floats of the {@code cropWidth x cropHeight} window at ({@code left}, {@code top}) of the image
     * (negative or overhanging windows read zero samples, as {@link CenterCrop} pads), or null when the
     * image is not a kind read here; the caller then takes {@link RgbConversion#interleaved}.
     */
    float[] fromImage(BufferedImage image, int left, int top, int cropWidth, int cropHeight) {
        if (!isDirectRgb(image.getColorModel())) {
            return null;
        }
        WritableRaster raster = image.getRaster();
        SampleModel sm = raster.getSampleModel();
        DataBuffer buffer = raster.getDataBuffer();
        // Sample-model coordinates of the window's first pixel; BufferedImage rasters start at 0, 0.
        int x0 = left - raster.getSampleModelTranslateX();
        int y0 = top - raster.getSampleModelTranslateY();
        if (sm instanceof ComponentSampleModel csm && buffer instanceof DataBufferByte bytes
                && csm.getNumBands() >= 3) {
            return fromBytes(csm, bytes, x0, y0, image.getWidth(), image.getHeight(), left, top, cropWidth,
                    cropHeight);
        }
        if (sm instanceof SinglePixelPackedSampleModel packed && buffer instanceof DataBufferInt ints
                && packed.getNumBands() >= 3 && eightBitMasks(packed)) {
            return fromInts(packed, ints, x0, y0, image.getWidth(), image.getHeight(), left, top, cropWidth,
                    cropHeight);
        }
        return null;
    }

    // Exactly the colour models RgbConversion.interleaved reads band by band, narrowed to 8-bit samples.
    private static boolean isDirectRgb(ColorModel cm) {
        if (cm instanceof IndexColorModel || cm.isAlphaPremultiplied()
                || cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1
                || !cm.getColorSpace().isCS_sRGB() || cm.getNumColorComponents() != 3) {
            return false;
        }
        for (int c = 0; c < 3; c++) {
            if (cm.getComponentSize(c) != 8) {
                return false;
            }
        }
        return true;
    }

    private static boolean eightBitMasks(SinglePixelPackedSampleModel sm) {
        int[] masks = sm.getBitMasks();
        int[] offsets = sm.getBitOffsets();
        for (int c = 0; c < 3; c++) {
            if (masks[c] >>> offsets[c] != 0xFF) {
                return false;
            }
        }
        return true;
    }

    private float[] fromBytes(ComponentSampleModel sm, DataBufferByte buffer, int x0, int y0, int width,
            int height, int left, int top, int cropWidth, int cropHeight) {
        int plane = cropWidth * cropHeight;
        float[] chw = new float[3 * plane];
        int pixelStride = sm.getPixelStride();
        int scanline = sm.getScanlineStride();
        int[] banks = sm.getBankIndices();
        int[] bandOffsets = sm.getBandOffsets();
        byte[] r = buffer.getData(banks[0]);
        byte[] g = buffer.getData(banks[1]);
        byte[] b = buffer.getData(banks[2]);
        int rBase = buffer.getOffsets()[banks[0]] + bandOffsets[0] + x0 * pixelStride;
        int gBase = buffer.getOffsets()[banks[1]] + bandOffsets[1] + x0 * pixelStride;
        int bBase = buffer.getOffsets()[banks[2]] + bandOffsets[2] + x0 * pixelStride;
        int fromX = Math.max(0, -left);
        int toX = Math.min(cropWidth, width - left);
        for (int y = 0; y < cropHeight; y++) {
            int row = y * cropWidth;
            int sy = y + top;
            if (sy < 0 || sy >= height || fromX >= toX) {
                pad(chw, plane, row, row + cropWidth);
                continue;
            }
            pad(chw, plane, row, row + fromX);
            // One pass over the row's pixels, all three bands of each, into the three planes.
            int in = (y0 + y) * scanline + fromX * pixelStride;
            for (int x = fromX; x < toX; x++, in += pixelStride) {
                chw[row + x] = table[r[rBase + in] & 0xFF];
                chw[plane + row + x] = table[256 + (g[gBase + in] & 0xFF)];
                chw[2 * plane + row + x] = table[512 + (b[bBase + in] & 0xFF)];
            }
            pad(chw, plane, row + toX, row + cropWidth);
        }
        return chw;
    }

    // Pixels of the window outside the image are zero samples, normalised like any other.
    private void pad(float[] chw, int plane, int from, int to) {
        for (int c = 0; c < 3; c++) {
            Arrays.fill(chw, c * plane + from, c * plane + to, table[c * 256]);
        }
    }

    private float[] fromInts(SinglePixelPackedSampleModel sm, DataBufferInt buffer, int x0, int y0, int width,
            int height, int left, int top, int cropWidth, int cropHeight) {
        int plane = cropWidth * cropHeight;
        float[] chw = new float[3 * plane];
        int scanline = sm.getScanlineStride();
        int[] shifts = sm.getBitOffsets();
        int[] data = buffer.getData();
        int base = buffer.getOffset() + x0;
        int fromX = Math.max(0, -left);
        int toX = Math.min(cropWidth, width - left);
        for (int c = 0; c < 3; c++) {
            int shift = shifts[c];
            int t = c * 256;
            int out = c * plane;
            for (int y = 0; y < cropHeight; y++, out += cropWidth) {
                int sy = y + top;
                if (sy < 0 || sy >= height || fromX >= toX) {
                    Arrays.fill(chw, out, out + cropWidth, table[t]);
                    continue;
                }
                Arrays.fill(chw, out, out + fromX, table[t]);
                int in = base + (y0 + y) * scanline + fromX;
                for (int x = fromX; x < toX; x++, in++) {
                    chw[out + x] = table[t + (data[in] >>> shift & 0xFF)];
                }
                Arrays.fill(chw, out + toX, out + cropWidth, table[t]);
            }
        }
        return chw;
    }
}
