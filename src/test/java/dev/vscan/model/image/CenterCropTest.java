package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CenterCropTest {

    @Test
    void cropEqualToTheImageReturnsTheSamples() {
        int[] hwc = samples(7, 5, 3, 1);
        assertSame(hwc, CenterCrop.crop(hwc, 7, 5, 3, 5, 7));
    }

    @Test
    void rowCopiesMatchPixelByPixelCroppingForLargerSmallerAndMixedSizes() {
        int[][] cases = {{9, 7, 4, 4}, {10, 10, 3, 7}, {4, 5, 9, 8}, {3, 3, 6, 7}, {8, 3, 5, 2}, {2, 9, 5, 5},
            {6, 6, 6, 3}, {1, 1, 4, 4}};
        for (int[] c : cases) {
            int w = c[0];
            int h = c[1];
            int[] hwc = samples(w, h, 3, w * 31 + h);
            assertArrayEquals(pixelByPixel(hwc, w, h, 3, c[2], c[3]), CenterCrop.crop(hwc, w, h, 3, c[2], c[3]),
                    w + "x" + h + " -> " + c[3] + "x" + c[2]);
        }
    }

    private static int[] samples(int w, int h, int channels, long seed) {
        Random random = new Random(seed);
        int[] out = new int[w * h * channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextInt(256);
        }
        return out;
    }

    // The crop as first written: one copy per pixel, kept to check the row copies against.
    private static int[] pixelByPixel(int[] hwc, int width, int height, int channels, int cropHeight,
            int cropWidth) {
        int top = CenterCrop.offset(height, cropHeight);
        int left = CenterCrop.offset(width, cropWidth);
        int[] out = new int[cropHeight * cropWidth * channels];
        for (int y = 0; y < cropHeight; y++) {
            for (int x = 0; x < cropWidth; x++) {
                int sy = y + top;
                int sx = x + left;
                if (sy >= 0 && sy < height && sx >= 0 && sx < width) {
                    System.arraycopy(hwc, (sy * width + sx) * channels, out, (y * cropWidth + x) * channels,
                            channels);
                }
            }
        }
        return out;
    }
}
