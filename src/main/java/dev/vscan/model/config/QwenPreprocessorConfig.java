package dev.vscan.model.config;

import java.util.Arrays;
import java.util.Objects;

/**
 * Qwen2VLImageProcessor settings ({@code preprocessor_config.json}): resize each image to multiples of
 * {@code patchSize * mergeSize} with a pixel count within [minPixels, maxPixels], rescale, normalise,
 * repeat it to {@code temporalPatchSize} frames and cut it into patches.
 */
public record QwenPreprocessorConfig(long minPixels, long maxPixels, int patchSize, int mergeSize,
                                     int temporalPatchSize, boolean doResize, boolean doRescale, double rescaleFactor,
                                     boolean doNormalize, float[] imageMean, float[] imageStd,
                                     boolean doConvertRgb) {

    /** Qwen2VLImageProcessor's defaults: 56*56 to 28*28*1280 pixels, CLIP's mean and std. */
    public static final QwenPreprocessorConfig DEFAULTS = new QwenPreprocessorConfig(56 * 56, 28 * 28 * 1280, 14, 2,
            2, true, true, 1.0 / 255, true, PreprocessorConfig.CLIP_MEAN, PreprocessorConfig.CLIP_STD, true);

    public QwenPreprocessorConfig {
        Checks.positive("min_pixels", minPixels);
        Checks.positive("max_pixels", maxPixels);
        Checks.positive("patch_size", patchSize);
        Checks.positive("merge_size", mergeSize);
        Checks.positive("temporal_patch_size", temporalPatchSize);
        Checks.positive("rescale_factor", rescaleFactor);
        if (minPixels > maxPixels) {
            throw new IllegalArgumentException("min_pixels " + minPixels + " is larger than max_pixels " + maxPixels);
        }
        Objects.requireNonNull(imageMean, "image_mean");
        Objects.requireNonNull(imageStd, "image_std");
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
        if (imageMean.length != 3 || imageStd.length != 3) {
            throw new IllegalArgumentException("image_mean " + Arrays.toString(imageMean) + " and image_std "
                    + Arrays.toString(imageStd) + " need one value per RGB channel");
        }
        for (float std : imageStd) {
            if (!(std > 0)) {
                throw new IllegalArgumentException("image_std values must be positive, got " + Arrays.toString(imageStd));
            }
        }
    }

    /** Sides are resized to multiples of this: one merged token's side in pixels. */
    public int factor() {
        return patchSize * mergeSize;
    }

    @Override
    public float[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public float[] imageStd() {
        return imageStd.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QwenPreprocessorConfig that
                && minPixels == that.minPixels && maxPixels == that.maxPixels && patchSize == that.patchSize
                && mergeSize == that.mergeSize && temporalPatchSize == that.temporalPatchSize
                && doResize == that.doResize && doRescale == that.doRescale
                && Double.compare(rescaleFactor, that.rescaleFactor) == 0 && doNormalize == that.doNormalize
                && Arrays.equals(imageMean, that.imageMean) && Arrays.equals(imageStd, that.imageStd)
                && doConvertRgb == that.doConvertRgb;
    }

    @Override
    public int hashCode() {
        return Objects.hash(minPixels, maxPixels, patchSize, mergeSize, temporalPatchSize, doResize, doRescale,
                rescaleFactor, doNormalize, Arrays.hashCode(imageMean), Arrays.hashCode(imageStd), doConvertRgb);
    }

    @Override
    public String toString() {
        return "QwenPreprocessorConfig[pixels=" + minPixels + ".." + maxPixels + ", patchSize=" + patchSize
                + ", mergeSize=" + mergeSize + ", temporalPatchSize=" + temporalPatchSize + ", doResize=" + doResize
                + ", doRescale=" + doRescale + ", rescaleFactor=" + rescaleFactor + ", doNormalize=" + doNormalize
                + ", imageMean=" + Arrays.toString(imageMean) + ", imageStd=" + Arrays.toString(imageStd)
                + ", doConvertRgb=" + doConvertRgb + "]";
    }
}
