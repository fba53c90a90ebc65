package dev.vscan.model.qwen;

import dev.vscan.model.image.InvalidImageException;

/**
 * Qwen2VLImageProcessor's {@code smart_resize}: the size an image is resized to, both sides multiples of
 * {@code factor}, close to the original aspect ratio, with a pixel count inside [minPixels, maxPixels].
 * Each side is first rounded to the nearest multiple as Python's {@code round} does (half to even, so
 * 238 / 28 = 8.5 gives 8), then both are scaled down (floor) or up (ceil) when the area is out of range.
 */
public final class SmartResize {

    /** The processor refuses images more elongated than this. */
    public static final double MAX_ASPECT_RATIO = 200;

    private SmartResize() {
    }

    /** @return {height, width} */
    public static int[] of(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("cannot resize an empty " + width + "x" + height + " image");
        }
        double aspect = (double) Math.max(height, width) / Math.min(height, width);
        if (aspect > MAX_ASPECT_RATIO) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_SHAPE, "image is " + width + "x" + height
                    + ", an aspect ratio of " + aspect + "; at most " + (int) MAX_ASPECT_RATIO + " is accepted");
        }
        // Math.rint rounds half to even, as Python's round does; the quotients are the same doubles.
        long h = (long) Math.rint((double) height / factor) * factor;
        long w = (long) Math.rint((double) width / factor) * factor;
        double area = (double) height * width;
        if (h * w > maxPixels) {
            double beta = Math.sqrt(area / maxPixels);
            h = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            w = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (h * w < minPixels) {
            double beta = Math.sqrt(minPixels / area);
            h = (long) Math.ceil(height * beta / factor) * factor;
            w = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {Math.toIntExact(h), Math.toIntExact(w)};
    }
}
