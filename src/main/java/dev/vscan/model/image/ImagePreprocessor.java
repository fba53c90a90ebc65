package dev.vscan.model.image;

import java.awt.image.BufferedImage;

/**
 * Turns an encoded or decoded image into the vision tower's {@link PixelValues}, step for step like
 * Hugging Face's slow {@code CLIPImageProcessor}: convert to RGB, resize the shortest edge (Pillow
 * bicubic), center crop, rescale in double then cast to float32, normalise in float32.
 */
public final class ImagePreprocessor implements ImagePreparer {

    private final ImageProcessingSpec spec;
    private final ImageDecoder decoder;
    private final BicubicResizer resizer = new BicubicResizer();
    private final NormalizedChw normalized;

    public ImagePreprocessor(ImageProcessingSpec spec, ImageLimits limits) {
        if (spec == null) {
            throw new IllegalArgumentException("image processing spec is required; use ImageProcessingSpec.clip(size)");
        }
        this.spec = spec;
        this.decoder = new ImageDecoder(limits);
        this.normalized = new NormalizedChw(spec);
    }

    public ImageProcessingSpec spec() {
        return spec;
    }

    @Override
    public ModelImage prepare(byte[] encoded) {
        return preprocess(encoded);
    }

    @Override
    public ModelImage prepare(BufferedImage image) {
        return preprocess(image);
    }

    /** Decodes under the limits, then preprocesses; refusals are {@link InvalidImageException}s. */
    public PixelValues preprocess(byte[] encoded) {
        return preprocess(decoder.decodeAsStored(encoded));
    }

    /** Preprocesses an already decoded image of any colour model. */
    public PixelValues preprocess(BufferedImage image) {
        RgbConversion.requireConvertible(image, spec.doConvertRgb());
        int width = image.getWidth();
        int height = image.getHeight();
        if (!needsResize(width, height)) {
            // The common case: crop and normalise straight from the raster, with no int copies.
            int cropWidth = spec.doCenterCrop() ? spec.cropWidth() : width;
            int cropHeight = spec.doCenterCrop() ? spec.cropHeight() : height;
            float[] chw = normalized.fromImage(image, CenterCrop.offset(width, cropWidth),
                    CenterCrop.offset(height, cropHeight), cropWidth, cropHeight);
            if (chw != null) {
                return new PixelValues(3, cropHeight, cropWidth, chw);
            }
        }
        return fromRgb(RgbConversion.interleaved(image), width, height);
    }

    /** Resize, crop, rescale and normalise of 8-bit RGB samples, row-major and interleaved (HWC). */
    public PixelValues fromRgb(int[] hwc, int width, int height) {
        if (spec.doResize()) {
            int[] size = resizedSize(width, height, spec.shortestEdge());
            if (size[0] != width || size[1] != height) {
                hwc = resizer.resize(hwc, width, height, 3, size[0], size[1]);
                width = size[0];
                height = size[1];
            }
        }
        if (spec.doCenterCrop()) {
            hwc = CenterCrop.crop(hwc, width, height, 3, spec.cropHeight(), spec.cropWidth());
            width = spec.cropWidth();
            height = spec.cropHeight();
        }
        return new PixelValues(3, height, width, normalized.fromHwc(hwc, width, height));
    }

    private boolean needsResize(int width, int height) {
        if (!spec.doResize()) {
            return false;
        }
        int[] size = resizedSize(width, height, spec.shortestEdge());
        return size[0] != width || size[1] != height;
    }

    /**
     * Hugging Face's get_resize_output_image_size with default_to_square=False: the short side becomes
     * {@code shortestEdge}, the long side {@code int(shortestEdge * long / short)}, truncated.
     *
     * @return {width, height}
     */
    public static int[] resizedSize(int width, int height, int shortestEdge) {
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        // Python's int / int is a correctly rounded double division, as is Java's on exact operands.
        int newLong = (int) ((double) ((long) shortestEdge * longSide) / shortSide);
        return width <= height ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
    }
}
