package dev.vscan.model.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The model shipped inside the jar: a {@link TinyCheckpointPreset#SHAPES} checkpoint trained on the
 * synthetic shapes questions (docs/MODEL_CARD.md). It is copied out to a directory so it loads through
 * the same code as any downloaded checkpoint.
 */
public final class BuiltinModel {

    public static final String NAME = "shapes-vqa";
    static final String RESOURCES = "/dev/vscan/model/builtin/" + NAME + "/";
    static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "preprocessor_config.json", "generation_config.json");
    static final String STAMP = ".builtin-sha256";

    private BuiltinModel() {}

    /**
     * Copies the built-in checkpoint into {@code dir}, unless the same version is already there, and
     * returns {@code dir}.
     */
    public static Path install(Path dir) {
        try {
            String digest = digest();
            Path stamp = dir.resolve(STAMP);
            if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(digest)) {
                return dir;
            }
            Files.createDirectories(dir);
            for (String file : FILES) {
                try (InputStream in = open(file)) {
                    Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(stamp, digest);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the built-in model into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String digest() throws IOException {
        try (InputStream in = open("model.safetensors")) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static InputStream open(String file) throws IOException {
        InputStream in = BuiltinModel.class.getResourceAsStream(RESOURCES + file);
        if (in == null) {
            throw new IOException("the jar has no built-in model file " + RESOURCES + file);
        }
        return in;
    }
}
