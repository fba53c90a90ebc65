package dev.vscan.model.image;

import java.util.Arrays;

/**
 * The steps and constants of a CLIP-style image processor (Hugging Face {@code CLIPImageProcessor}):
 * resize the shortest edge, center crop, rescale, normalise per channel.
 *
 * @param shortestEdge  target length of the shorter side after resizing
 * @param cropHeight    center-crop height
 * @param cropWidth     center-crop width
 * @param doResize      whether to resize
 * @param doCenterCrop  whether to center crop (images smaller than the crop are zero-padded)
 * @param doRescale     whether to multiply 8-bit values by {@code rescaleFactor}
 * @param rescaleFactor usually 1/255
 * @param doNormalize   whether to apply {@code (x - mean) / std}
 * @param mean          per-channel mean, three values (R, G, B)
 * @param std           per-channel standard deviation, three positive values
 * @param doConvertRgb  whether non-RGB images (grayscale, palette, with alpha) are converted to RGB;
 *                      when false such images are refused because the model needs three channels
 */
public record ImageProcessingSpec(int shortestEdge, int cropHeight, int cropWidth, boolean doResize,
        boolean doCenterCrop, boolean doRescale, double rescaleFactor, boolean doNormalize, float[] mean,
        float[] std, boolean doConvertRgb) {

    /** Channels of an RGB image; the vision towers served here all take three. */
    public static final int CHANNELS = 3;

    // Stored as doubles and cast like numpy casts the JSON floats to float32, so values match bit for bit.
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    public ImageProcessingSpec {
        if (shortestEdge <= 0) {
            throw new IllegalArgumentException("shortestEdge must be positive, got " + shortestEdge
                    + " (preprocessor_config.json size.shortest_edge)");
        }
        if (cropHeight <= 0 || cropWidth <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + cropHeight + "x" + cropWidth
                    + " (preprocessor_config.json crop_size)");
        }
        if (!(rescaleFactor > 0) || Double.isInfinite(rescaleFactor)) {
            throw new IllegalArgumentException("rescaleFactor must be a positive finite number, got "
                    + rescaleFactor + " (preprocessor_config.json rescale_factor, usually 1/255)");
        }
        mean = checkedChannels("mean", mean, false);
        std = checkedChannels("std", std, true);
    }

    /** CLIP's constants with square {@code size}: shortest edge = crop = size, as in llava-hf checkpoints. */
    public static ImageProcessingSpec clip(int size) {
        return new ImageProcessingSpec(size, size, size, true, true, true, 1.0 / 255.0, true,
                toFloats(CLIP_MEAN), toFloats(CLIP_STD), true);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageProcessingSpec s && shortestEdge == s.shortestEdge
                && cropHeight == s.cropHeight && cropWidth == s.cropWidth && doResize == s.doResize
                && doCenterCrop == s.doCenterCrop && doRescale == s.doRescale
                && Double.compare(rescaleFactor, s.rescaleFactor) == 0 && doNormalize == s.doNormalize
                && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std) && doConvertRgb == s.doConvertRgb;
    }

    @Override
    public int hashCode() {
        int h = java.util.Objects.hash(shortestEdge, cropHeight, cropWidth, doResize, doCenterCrop, doRescale,
                rescaleFactor, doNormalize, doConvertRgb);
        return 31 * (31 * h + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ImageProcessingSpec[shortestEdge=" + shortestEdge + ", crop=" + cropHeight + "x" + cropWidth
                + ", doResize=" + doResize + ", doCenterCrop=" + doCenterCrop + ", doRescale=" + doRescale
                + ", rescaleFactor=" + rescaleFactor + ", doNormalize=" + doNormalize + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", doConvertRgb=" + doConvertRgb + "]";
    }

    private static float[] checkedChannels(String name, float[] values, boolean positive) {
        if (values == null || values.length != CHANNELS) {
            throw new IllegalArgumentException("image " + name + " needs " + CHANNELS + " values (R, G, B), got "
                    + (values == null ? "none" : Arrays.toString(values)));
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && !(v > 0))) {
                throw new IllegalArgumentException("image " + name + " values must be finite"
                        + (positive ? " and positive" : "") + ", got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
