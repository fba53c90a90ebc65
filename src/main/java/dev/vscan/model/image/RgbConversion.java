package dev.vscan.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts any decoded image to 8-bit RGB the way PIL's {@code convert("RGB")} does: alpha is dropped
 * (not composited), grayscale is copied to all three channels, palette indices are looked up.
 * Samples are read from the raster rather than through {@link BufferedImage#getRGB}, because Java's
 * gray colour space is linear and getRGB would apply a gamma curve that PIL does not.
 */
public final class RgbConversion {

    private RgbConversion() {
    }

    /** True when the image has exactly three colour channels and no alpha, i.e. needs no conversion. */
    public static boolean isPlainRgb(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        return !(cm instanceof IndexColorModel) && !cm.hasAlpha() && cm.getNumComponents() == 3
                && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB;
    }

    /** A {@link BufferedImage#TYPE_INT_RGB} copy of {@code image}. */
    /**
     * Refuses an image that is not plain RGB when the processor may not convert it
     * ({@code do_convert_rgb} false).
     */
    public static void requireConvertible(BufferedImage image, boolean doConvertRgb) {
        if (!doConvertRgb && !isPlainRgb(image)) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_FORMAT, "image has "
                    + image.getColorModel().getNumComponents() + " components (gray, palette or alpha) but"
                    + " do_convert_rgb is false; the model needs 3-channel RGB");
        }
    }

    public static BufferedImage toRgb(BufferedImage image) {
        int[] hwc = interleaved(image);
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        int[] packed = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < packed.length; i++) {
            packed[i] = hwc[3 * i] << 16 | hwc[3 * i + 1] << 8 | hwc[3 * i + 2];
        }
        return out;
    }

    /** RGB samples 0..255 in row-major, channel-interleaved (HWC) order: {@code [(y * width + x) * 3 + c]}. */
    public static int[] interleaved(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] hwc = new int[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel palette) {
            int[] idx = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < idx.length; i++) {
                hwc[3 * i] = palette.getRed(idx[i]);
                hwc[3 * i + 1] = palette.getGreen(idx[i]);
                hwc[3 * i + 2] = palette.getBlue(idx[i]);
            }
        } else if (cm.isAlphaPremultiplied()) {
            // Only hand-made images are premultiplied; getRGB undoes the premultiplication for us.
            readThroughGetRgb(image, hwc);
        } else if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
            int[] gray = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            int bits = cm.getComponentSize(0);
            for (int i = 0; i < gray.length; i++) {
                int v = to8Bits(gray[i], bits);
                hwc[3 * i] = v;
                hwc[3 * i + 1] = v;
                hwc[3 * i + 2] = v;
            }
        } else if (cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3) {
            // Raster bands follow the colour model's order (R, G, B, then alpha, which is skipped).
            for (int c = 0; c < 3; c++) {
                int[] band = raster.getSamples(0, 0, w, h, c, (int[]) null);
                int bits = cm.getComponentSize(c);
                for (int i = 0; i < band.length; i++) {
                    hwc[3 * i + c] = to8Bits(band[i], bits);
                }
            }
        } else {
            readThroughGetRgb(image, hwc);
        }
        return hwc;
    }

    // 16-bit samples keep their high byte, as PIL does when it opens 16-bit RGB PNGs as 8-bit RGB.
    // Deliberate difference: PIL clips 16-bit grayscale to 0..255 (nearly all white); we keep the high byte.
    // 1-, 2- and 4-bit samples are stretched to 0..255 as PIL's unpackers do.
    private static int to8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return sample >>> (bits - 8);
        }
        int max = (1 << bits) - 1;
        return sample * 255 / max;
    }

    private static void readThroughGetRgb(BufferedImage image, int[] hwc) {
        int w = image.getWidth();
        int[] argb = image.getRGB(0, 0, w, image.getHeight(), null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            hwc[3 * i] = (argb[i] >>> 16) & 0xFF;
            hwc[3 * i + 1] = (argb[i] >>> 8) & 0xFF;
            hwc[3 * i + 2] = argb[i] & 0xFF;
        }
    }
}
