package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vscan.model.image.InvalidImageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** smart_resize against values from Python's own arithmetic (round half to even, floor, ceil, sqrt). */
class QwenSmartResizeTest {

    /** The fixture's processor: 3136 to 62720 pixels. */
    private static int[] fixture(int height, int width) {
        return SmartResize.of(height, width, 28, 3136, 62720);
    }

    /** The published Qwen2.5-VL processor: 3136 to 12845056 pixels. */
    private static int[] published(int height, int width) {
        return SmartResize.of(height, width, 28, 3136, 12845056);
    }

    @Test
    void theFixtureImages() {
        assertArrayEquals(new int[] {252, 224}, fixture(250, 238), "238 / 28 = 8.5 rounds to 8, not 9");
        assertArrayEquals(new int[] {224, 252}, fixture(270, 300), "clamped by max_pixels");
    }

    @Test
    void sidesRoundHalfToEven() {
        assertArrayEquals(new int[] {56, 112}, fixture(70, 98), "2.5 -> 2 and 3.5 -> 4");
        assertArrayEquals(new int[] {280, 280}, published(266, 294), "9.5 -> 10 and 10.5 -> 10");
        assertArrayEquals(new int[] {224, 336}, published(238, 350), "8.5 -> 8 and 12.5 -> 12");
    }

    @Test
    void smallImagesAreScaledUpToMinPixels() {
        assertArrayEquals(new int[] {56, 56}, fixture(42, 42));
        assertArrayEquals(new int[] {56, 84}, fixture(20, 30));
        assertArrayEquals(new int[] {56, 56}, fixture(1, 1), "both sides round to 0 first");
        assertArrayEquals(new int[] {56, 84}, fixture(13, 14));
        assertArrayEquals(new int[] {56, 56}, fixture(14, 14));
        assertArrayEquals(new int[] {56, 84}, published(37, 61));
    }

    @Test
    void largeImagesAreScaledDownToMaxPixelsKeepingOneFactorAtLeast() {
        assertArrayEquals(new int[] {224, 224}, fixture(1000, 1000));
        assertArrayEquals(new int[] {364, 168}, fixture(1234, 567));
        assertArrayEquals(new int[] {168, 364}, fixture(567, 1234));
        assertArrayEquals(new int[] {140, 364}, fixture(333, 777));
        assertArrayEquals(new int[] {224, 224}, fixture(266, 266));
        assertArrayEquals(new int[] {224, 168}, fixture(210, 182));
        assertArrayEquals(new int[] {28, 3332}, fixture(28, 5000), "the short side floors to 0, kept at 28");
        assertArrayEquals(new int[] {3332, 28}, fixture(5000, 28));
        assertArrayEquals(new int[] {28, 2044}, fixture(41, 2800));
        assertArrayEquals(new int[] {3080, 4116}, published(6000, 8000));
    }

    @Test
    void ordinarySizesOnlyRound() {
        assertArrayEquals(new int[] {1092, 1932}, published(1080, 1920));
        assertArrayEquals(new int[] {4004, 2996}, published(4000, 3000));
        assertArrayEquals(new int[] {476, 644}, published(481, 643));
        assertArrayEquals(new int[] {812, 1204}, published(799, 1201));
    }

    @Test
    void anAspectRatioOver200IsRefused() {
        assertArrayEquals(new int[] {28, 3528}, fixture(100, 20000), "exactly 200 is accepted");
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> fixture(99, 19999));
        assertEquals(InvalidImageException.Reason.UNSUPPORTED_SHAPE, e.reason());
    }

    /** 490 sizes (odd multiples of 14 among them), four pixel bounds, as Python's arithmetic gives them. */
    @Test
    void aTableOfSizesFromPython() throws IOException {
        String table;
        try (InputStream in = getClass().getResourceAsStream("/qwen-smart-resize.csv")) {
            table = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        int checked = 0;
        for (String line : table.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            int height = Integer.parseInt(f[0]), width = Integer.parseInt(f[1]);
            long min = Long.parseLong(f[2]), max = Long.parseLong(f[3]);
            if (f[4].equals("refused")) {
                assertThrows(InvalidImageException.class, () -> SmartResize.of(height, width, 28, min, max), line);
            } else {
                int[] expected = {Integer.parseInt(f[4]), Integer.parseInt(f[5])};
                assertArrayEquals(expected, SmartResize.of(height, width, 28, min, max), line);
            }
            checked++;
        }
        assertEquals(490, checked);
    }
}
