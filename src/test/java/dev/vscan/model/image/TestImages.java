package dev.vscan.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Builds small in-memory images for the tests. */
final class TestImages {

    private TestImages() {
    }

    /** An RGB image from rows of {r, g, b} triples: {@code rows[y][x] = {r, g, b}}. */
    static BufferedImage rgb(int[][][] rows) {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[y].length; x++) {
                int[] p = rows[y][x];
                image.setRGB(x, y, p[0] << 16 | p[1] << 8 | p[2]);
            }
        }
        return image;
    }

    /** A width x height RGB image filled with one colour. */
    static BufferedImage filled(int width, int height, int r, int g, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
