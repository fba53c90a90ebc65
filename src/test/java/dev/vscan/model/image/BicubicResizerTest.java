package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class BicubicResizerTest {

    private final BicubicResizer resizer = new BicubicResizer();

    /** Keys' cubic with a = -0.5 written in expanded form, independent of the class under test. */
    private static double cubic(double x) {
        double t = Math.abs(x);
        if (t < 1) {
            return 1.5 * t * t * t - 2.5 * t * t + 1;
        }
        if (t < 2) {
            return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
        }
        return 0;
    }

    /** Applies weights like Pillow: 22-bit fixed point, rounded half away from zero, then shift and clip. */
    private static int apply(int[] pixels, double... weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        long sum = 1L << 21;
        for (int i = 0; i < weights.length; i++) {
            double scaled = weights[i] / total * (1 << 22);
            long fixed = scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
            sum += (long) pixels[i] * fixed;
        }
        return (int) Math.max(0, Math.min(255, sum >> 22));
    }

    @Test
    void shrinking4To2WidensTheKernelTwofold() {
        // Scale 2: support grows to 4 input pixels, distances are halved. Output 0 is centred at 1.0, so
        // pixels 0..3 sit at (x + 0.5 - 1.0) / 2 = -0.25, 0.25, 0.75, 1.25: weights 111, 111, 29, -9 (/128).
        int[] red = {10, 50, 100, 200};
        int first = apply(red, cubic(-0.25), cubic(0.25), cubic(0.75), cubic(1.25));
        int second = apply(red, cubic(1.25), cubic(0.75), cubic(0.25), cubic(-0.25));
        // By hand: (111*10 + 111*50 + 29*100 - 9*200) / 242 = 32.07 and 34660 / 242 = 143.2.
        assertArrayEquals(new int[] {32, 143}, new int[] {first, second});

        int[] out = resizer.resize(new int[] {10, 0, 255, 50, 0, 255, 100, 0, 255, 200, 0, 255}, 4, 1, 3, 2, 1);

        assertArrayEquals(new int[] {first, 0, 255, second, 0, 255}, out);
    }

    @Test
    void enlarging2To4UsesTheUnscaledKernelAndClipsOvershoot() {
        // Scale 0.5: centres at 0.25, 0.75, 1.25, 1.75; only the two input pixels lie within support.
        int[] red = {0, 200};
        int[] expected = {
            apply(red, cubic(0.25), cubic(1.25)),   // 200 * -9/102: negative, clipped to 0
            apply(red, cubic(-0.25), cubic(0.75)),  // 200 * 29/140 = 41.4
            apply(red, cubic(-0.75), cubic(0.25)),  // 200 * 111/140 = 158.6
            apply(red, cubic(-1.25), cubic(-0.25)), // 200 * 111/102 = 217.6
        };
        assertArrayEquals(new int[] {0, 41, 159, 218}, expected);

        int[] out = resizer.resize(new int[] {0, 255, 17, 200, 0, 17}, 2, 1, 3, 4, 1);

        int[] red2 = {out[0], out[3], out[6], out[9]};
        int[] green = {out[1], out[4], out[7], out[10]};
        assertArrayEquals(expected, red2);
        // Green falls from 255 to 0: the mirror image of red, overshoot clipped at 255.
        assertArrayEquals(new int[] {255, 202, 53, 0}, green);
        assertArrayEquals(new int[] {17, 17, 17, 17}, new int[] {out[2], out[5], out[8], out[11]});
    }

    @Test
    void twoDimensionalResizeMatchesPillow() {
        // 4x3 image with value (53x + 91y + 37c) mod 256; expected output produced by
        // Pillow 9.4 Image.fromarray(a).resize((3, 2), Image.BICUBIC).
        int[] in = new int[4 * 3 * 3];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    in[(y * 4 + x) * 3 + c] = (x * 53 + y * 91 + c * 37) % 256;
                }
            }
        }

        int[] out = resizer.resize(in, 4, 3, 3, 3, 2);

        assertArrayEquals(new int[] {
            38, 78, 128, 113, 159, 143, 188, 149, 156,
            174, 160, 77, 151, 101, 91, 127, 98, 105}, out);
    }

    @Test
    void sameSizeIsAnUnchangedCopy() {
        int[] in = {1, 2, 3, 4, 5, 6};

        int[] out = resizer.resize(in, 2, 1, 3, 2, 1);

        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, out);
        out[0] = 99;
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, in);
    }

    @Test
    void uniformColourStaysUniform() {
        int[] out = resizer.resize(RgbConversion.interleaved(TestImages.filled(30, 20, 12, 130, 250)),
                30, 20, 3, 7, 11);

        for (int i = 0; i < out.length; i += 3) {
            assertArrayEquals(new int[] {12, 130, 250}, new int[] {out[i], out[i + 1], out[i + 2]});
        }
    }
}
