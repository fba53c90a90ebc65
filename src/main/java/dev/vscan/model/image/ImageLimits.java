package dev.vscan.model.image;

/**
 * Upper bounds an untrusted image must respect before it is decoded.
 *
 * @param maxBytes  largest accepted encoded size, in bytes
 * @param maxPixels largest accepted width * height, checked from the header so a small file that
 *                  declares a huge raster (a decompression bomb) is refused before any allocation
 */
public record ImageLimits(long maxBytes, long maxPixels) {

    /** 20 MiB of encoded data. */
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    /** 40 megapixels, e.g. 8000x5000. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
    }

    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
