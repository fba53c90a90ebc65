package dev.vscan.model;

import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Checkpoints and images shared by the engine tests; generated once per test JVM. */
public final class TestModels {

    private static Path tiny;

    private TestModels() {}

    /** A tiny checkpoint (seed 7) in a temporary directory. */
    public static synchronized Path tinyCheckpoint() {
        if (tiny == null) {
            try {
                Path dir = Files.createTempDirectory("vscan-tiny");
                dir.toFile().deleteOnExit();
                TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.TINY, 7);
                tiny = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tiny;
    }

    /** The tiny llava-hf checkpoint with reference outputs, copied into the test resources. */
    public static Path referenceCheckpoint() {
        try {
            return Path.of(TestModels.class.getResource("/llava-reference/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PNG of random coloured rectangles, deterministic in the seed. */
    public static byte[] png(long seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(width / 2),
                    1 + random.nextInt(height / 2));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
