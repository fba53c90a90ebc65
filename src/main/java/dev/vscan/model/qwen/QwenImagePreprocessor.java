package dev.vscan.model.qwen;

import dev.vscan.model.config.QwenPreprocessorConfig;
import dev.vscan.model.image.BicubicResizer;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreparer;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.image.RgbConversion;
import java.awt.image.BufferedImage;

/**
 * Turns an image into Qwen2.5-VL's {@link QwenImage}, step for step like Hugging Face's slow
 * {@code Qwen2VLImageProcessor}: convert to RGB, {@link SmartResize smart_resize}, Pillow-exact bicubic
 * resize of the 8-bit samples, rescale in double then cast to float32, normalise in float32, repeat to
 * {@code temporal_patch_size} identical frames, and cut into patch rows in merge-block order.
 */
public final class QwenImagePreprocessor implements ImagePreparer {

    private final QwenPreprocessorConfig config;
    private final ImageDecoder decoder;
    private final BicubicResizer resizer = new BicubicResizer();

    public QwenImagePreprocessor(QwenPreprocessorConfig config, ImageLimits limits) {
        if (config == null) {
            throw new IllegalArgumentException("preprocessor config is required; use QwenPreprocessorConfig.DEFAULTS");
        }
        this.config = config;
        this.decoder = new ImageDecoder(limits);
    }

    public QwenPreprocessorConfig config() {
        return config;
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
    public QwenImage preprocess(byte[] encoded) {
        return preprocess(decoder.decodeAsStored(encoded));
    }

    public QwenImage preprocess(BufferedImage image) {
        RgbConversion.requireConvertible(image, config.doConvertRgb());
        return fromRgb(RgbConversion.interleaved(image), image.getWidth(), image.getHeight());
    }

    /** Preprocesses 8-bit RGB samples, row-major and interleaved (HWC). */
    public QwenImage fromRgb(int[] hwc, int width, int height) {
        int[] size = targetSize(height, width);
        int[] rgb = resize(hwc, width, height, size);
        return patches(normalizedChw(rgb, size[0] * size[1]), size[0], size[1]);
    }

    /** {height, width} the image is resized to (its own size when do_resize is off). */
    public int[] targetSize(int height, int width) {
        int[] size = config.doResize()
                ? SmartResize.of(height, width, config.factor(), config.minPixels(), config.maxPixels())
                : new int[] {height, width};
        if (size[0] % config.factor() != 0 || size[1] % config.factor() != 0) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_SHAPE, "image is " + width + "x"
                    + height + " but do_resize is false and its sides are not multiples of " + config.factor());
        }
        return size;
    }

    /** The 8-bit RGB samples (HWC) after the resize, as Pillow's bicubic gives them. */
    public int[] resized(int[] hwc, int width, int height) {
        return resize(hwc, width, height, targetSize(height, width));
    }

    private int[] resize(int[] hwc, int width, int height, int[] size) {
        if (size[0] == height && size[1] == width) {
            return hwc;
        }
        return resizer.resize(hwc, width, height, 3, size[1], size[0]);
    }

    private float[] normalizedChw(int[] hwc, int plane) {
        float[] mean = config.imageMean();
        float[] std = config.imageStd();
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                int sample = hwc[3 * i + c];
                float v = config.doRescale() ? (float) (sample * config.rescaleFactor()) : sample;
                if (config.doNormalize()) {
                    v = (v - mean[c]) / std[c];
                }
                chw[c * plane + i] = v;
            }
        }
        return chw;
    }

    /**
     * Row for merge block (bh, bw) and sub-patch (mh, mw) is the patch at patch row bh*m+mh, column
     * bw*m+mw; its values run over (channel, frame, y, x), every frame the same image.
     */
    private QwenImage patches(float[] chw, int height, int width) {
        int p = config.patchSize();
        int m = config.mergeSize();
        int frames = config.temporalPatchSize();
        int gridH = height / p;
        int gridW = width / p;
        int rowLength = 3 * frames * p * p;
        float[] rows = new float[gridH * gridW * rowLength];
        int row = 0;
        for (int bh = 0; bh < gridH / m; bh++) {
            for (int bw = 0; bw < gridW / m; bw++) {
                for (int mh = 0; mh < m; mh++) {
                    for (int mw = 0; mw < m; mw++) {
                        int top = (bh * m + mh) * p;
                        int left = (bw * m + mw) * p;
                        int out = row++ * rowLength;
                        for (int c = 0; c < 3; c++) {
                            for (int t = 0; t < frames; t++) {
                                for (int y = 0; y < p; y++) {
                                    System.arraycopy(chw, (c * height + top + y) * width + left, rows, out, p);
                                    out += p;
                                }
                            }
                        }
                    }
                }
            }
        }
        return new QwenImage(1, gridH, gridW, m, rowLength, rows);
    }
}
