package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

    private static InvalidImageException refused(ImageDecoder decoder, byte[] bytes) {
        return assertThrows(InvalidImageException.class, () -> decoder.decode(bytes));
    }

    private static int[] rgbAt(BufferedImage image, int x, int y) {
        int p = image.getRGB(x, y);
        return new int[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
    }

    @Test
    void emptyBytesAreRefused() {
        assertEquals(InvalidImageException.Reason.EMPTY, refused(decoder, new byte[0]).reason());
        assertEquals(InvalidImageException.Reason.EMPTY, refused(decoder, null).reason());
    }

    @Test
    void randomBytesAreAnUnsupportedFormat() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        noise[0] = 'x'; // no image signature starts with 'x'

        InvalidImageException e = refused(decoder, noise);

        assertEquals(InvalidImageException.Reason.UNSUPPORTED_FORMAT, e.reason());
        assertTrue(e.getMessage().contains("PNG, JPEG, BMP or GIF"), e.getMessage());
    }

    @Test
    void pngCutInHalfIsCorrupt() {
        byte[] png = TestImages.encode(noisyImage(64, 64), "png");

        InvalidImageException e = refused(decoder, Arrays.copyOf(png, png.length / 2));

        assertEquals(InvalidImageException.Reason.CORRUPT, e.reason());
    }

    @Test
    void jpegCutInHalfIsCorruptAlthoughImageIoOnlyWarns() {
        byte[] jpeg = TestImages.encode(noisyImage(64, 64), "jpeg");

        InvalidImageException e = refused(decoder, Arrays.copyOf(jpeg, jpeg.length / 2));

        assertEquals(InvalidImageException.Reason.CORRUPT, e.reason());
    }

    @Test
    void bytesOverTheLimitAreRefusedBeforeDecoding() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(100, 1_000_000));

        InvalidImageException e = refused(small, new byte[101]);

        assertEquals(InvalidImageException.Reason.TOO_MANY_BYTES, e.reason());
        assertEquals("image is 101 bytes; the limit is 100 bytes", e.getMessage());
    }

    @Test
    void pixelLimitIsCheckedFromTheHeaderAlone() {
        byte[] png = TestImages.encode(noisyImage(100, 100), "png");
        // Signature (8 bytes) and IHDR chunk (25 bytes) only: the raster cannot be decoded, so a
        // TOO_MANY_PIXELS (rather than CORRUPT) answer proves the check ran on the header.
        byte[] headerOnly = Arrays.copyOf(png, 33);
        ImageDecoder strict = new ImageDecoder(new ImageLimits(1_000_000, 5000));

        InvalidImageException e = refused(strict, headerOnly);

        assertEquals(InvalidImageException.Reason.TOO_MANY_PIXELS, e.reason());
        assertEquals("image is 100x100 = 10000 pixels; the limit is 5000", e.getMessage());
        assertEquals(InvalidImageException.Reason.CORRUPT, refused(decoder, headerOnly).reason());
    }

    @Test
    void decompressionBombHeaderIsRefusedWithoutAllocating() {
        InvalidImageException e = refused(decoder, pngHeader(100_000, 90_000));

        assertEquals(InvalidImageException.Reason.TOO_MANY_PIXELS, e.reason());
        assertEquals("image is 100000x90000 = 9000000000 pixels; the limit is 40000000", e.getMessage());
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00FF8040); // fully transparent, colour kept as stored
        rgba.setRGB(1, 0, 0x80102030);

        BufferedImage rgb = decoder.decode(TestImages.encode(rgba, "png"));

        assertEquals(BufferedImage.TYPE_INT_RGB, rgb.getType());
        assertArrayEquals(new int[] {255, 128, 64}, rgbAt(rgb, 0, 0));
        assertArrayEquals(new int[] {16, 32, 48}, rgbAt(rgb, 1, 0));
    }

    @Test
    void grayscaleBecomesThreeEqualChannelsWithoutGammaChange() {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 100);
        gray.getRaster().setSample(1, 0, 0, 7);

        BufferedImage rgb = decoder.decode(TestImages.encode(gray, "png"));

        assertArrayEquals(new int[] {100, 100, 100}, rgbAt(rgb, 0, 0));
        assertArrayEquals(new int[] {7, 7, 7}, rgbAt(rgb, 1, 0));
    }

    @Test
    void jpegBmpAndGifDecode() {
        BufferedImage flat = TestImages.filled(16, 8, 200, 40, 90);

        BufferedImage bmp = decoder.decode(TestImages.encode(flat, "bmp"));
        BufferedImage gif = decoder.decode(TestImages.encode(flat, "gif"));
        BufferedImage jpeg = decoder.decode(TestImages.encode(flat, "jpeg"));

        assertArrayEquals(new int[] {200, 40, 90}, rgbAt(bmp, 15, 7));
        assertArrayEquals(new int[] {200, 40, 90}, rgbAt(gif, 3, 3));
        assertEquals(16, jpeg.getWidth());
        assertEquals(8, jpeg.getHeight());
        int[] approx = rgbAt(jpeg, 8, 4); // lossy: close, not equal
        assertTrue(Math.abs(approx[0] - 200) <= 4 && Math.abs(approx[1] - 40) <= 4 && Math.abs(approx[2] - 90) <= 4,
                Arrays.toString(approx));
    }

    @Test
    void magicBytesNameTheFormatImageIoWouldProbe() throws Exception {
        BufferedImage flat = TestImages.filled(16, 8, 200, 40, 90);
        for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff", "wbmp"}) {
            BufferedImage image = format.equals("wbmp")
                    ? new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_BINARY) : flat;
            byte[] bytes = TestImages.encode(image, format);
            String probed;
            try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
                probed = ImageIO.getImageReaders(input).next().getFormatName().toLowerCase(Locale.ROOT);
            }
            String expected = Set.of("png", "jpeg", "gif", "bmp").contains(probed) ? probed : "";
            assertEquals(expected, ImageDecoder.formatFromMagic(bytes), format);
        }
        // A TIFF is still refused with the format the full probe names.
        InvalidImageException tiff = refused(decoder, TestImages.encode(flat, "tiff"));
        assertTrue(tiff.getMessage().contains("format tif"), tiff.getMessage());
        assertEquals("", ImageDecoder.formatFromMagic(new byte[] {'B'}));
    }

    @Test
    void limitsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 10));
        assertTrue(e.getMessage().contains("maxBytes"), e.getMessage());
        assertEquals(20L * 1024 * 1024, ImageLimits.defaults().maxBytes());
    }

    private static BufferedImage noisyImage(int width, int height) {
        Random random = new Random(7);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    /** PNG signature plus a valid IHDR (8-bit RGB) declaring the given size, and nothing else. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
