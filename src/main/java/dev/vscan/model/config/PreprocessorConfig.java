package dev.vscan.model.config;

import java.util.Arrays;
import java.util.Objects;

/**
 * CLIPImageProcessor settings ({@code preprocessor_config.json}): resize the shortest edge, center crop,
 * rescale to [0,1], normalize per channel. {@code resample} is PIL's filter code (3 = bicubic).
 */
public record PreprocessorConfig(int shortestEdge, int cropHeight, int cropWidth, boolean doResize,
                                 boolean doCenterCrop, boolean doRescale, double rescaleFactor, boolean doNormalize,
                                 float[] imageMean, float[] imageStd, boolean doConvertRgb, int resample) {

    /** OpenAI CLIP's normalization constants, CLIPImageProcessor's defaults. */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    public static final int BICUBIC = 3;

    public PreprocessorConfig {
        Checks.positive("size.shortest_edge", shortestEdge);
        Checks.positive("crop_size.height", cropHeight);
        Checks.positive("crop_size.width", cropWidth);
        Checks.positive("rescale_factor", rescaleFactor);
        Objects.requireNonNull(imageMean, "image_mean");
        Objects.requireNonNull(imageStd, "image_std");
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
        if (imageMean.length == 0 || imageMean.length != imageStd.length) {
            throw new IllegalArgumentException("image_mean " + Arrays.toString(imageMean) + " and image_std "
                    + Arrays.toString(imageStd) + " need one value per channel");
        }
        for (float std : imageStd) {
            if (!(std > 0)) {
                throw new IllegalArgumentException("image_std values must be positive, got " + Arrays.toString(imageStd));
            }
        }
        if (resample < 0 || resample > 5) {
            throw new IllegalArgumentException("resample " + resample + " is not a PIL filter code (0..5)");
        }
    }

    /** CLIPImageProcessor's defaults for a vision tower that takes {@code imageSize} square images. */
    public static PreprocessorConfig clipDefaults(int imageSize) {
        return new PreprocessorConfig(imageSize, imageSize, imageSize, true, true, true, 1.0 / 255, true,
                CLIP_MEAN, CLIP_STD, true, BICUBIC);
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
        return other instanceof PreprocessorConfig that
                && shortestEdge == that.shortestEdge && cropHeight == that.cropHeight && cropWidth == that.cropWidth
                && doResize == that.doResize && doCenterCrop == that.doCenterCrop && doRescale == that.doRescale
                && Double.compare(rescaleFactor, that.rescaleFactor) == 0 && doNormalize == that.doNormalize
                && Arrays.equals(imageMean, that.imageMean) && Arrays.equals(imageStd, that.imageStd)
                && doConvertRgb == that.doConvertRgb && resample == that.resample;
    }

    @Override
    public int hashCode() {
        return Objects.hash(shortestEdge, cropHeight, cropWidth, doResize, doCenterCrop, doRescale, rescaleFactor,
                doNormalize, Arrays.hashCode(imageMean), Arrays.hashCode(imageStd), doConvertRgb, resample);
    }

    @Override
    public String toString() {
        return "PreprocessorConfig[shortestEdge=" + shortestEdge + ", crop=" + cropHeight + "x" + cropWidth
                + ", doResize=" + doResize + ", doCenterCrop=" + doCenterCrop + ", doRescale=" + doRescale
                + ", rescaleFactor=" + rescaleFactor + ", doNormalize=" + doNormalize + ", imageMean="
                + Arrays.toString(imageMean) + ", imageStd=" + Arrays.toString(imageStd) + ", doConvertRgb="
                + doConvertRgb + ", resample=" + resample + "]";
    }
}
