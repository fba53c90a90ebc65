package dev.vscan.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The API keys of a file, one per line ({@code #} starts a comment; {@code sha256:HEX} gives a key by
 * its SHA-256 instead), held as SHA-256 digests only and compared in constant time. The file is
 * looked at again at most once per {@code checkInterval} and re-read when its modification time or
 * size changed, so keys rotate without a restart; if it cannot be read then, the keys it last had stay.
 */
public final class ApiKeyFile {

    private static final Logger LOG = Logger.getLogger(ApiKeyFile.class);
    private static final String HASHED = "sha256:";

    /** What was read, and from which version of the file. */
    private record Keys(List<byte[]> digests, FileTime modified, long size) {
    }

    private final Path file;
    private final Duration checkInterval;
    private final Clock clock;
    private volatile Keys keys;
    private volatile Instant checked;

    private ApiKeyFile(Path file, Duration checkInterval, Clock clock, Keys keys) {
        this.file = file;
        this.checkInterval = checkInterval;
        this.clock = clock;
        this.keys = keys;
        this.checked = clock.instant();
    }

    /**
     * Reads the keys; a file that cannot be read, has a malformed line or no key at all is refused here,
     * where it is most likely a mistake. Later an emptied file means every key was revoked.
     */
    public static ApiKeyFile open(Path file, Duration checkInterval, Clock clock) {
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("the API key file's check interval cannot be negative: " + checkInterval);
        }
        Keys keys = read(file);
        if (keys.digests().isEmpty()) {
            throw new IllegalArgumentException("API key file " + file + " has no key: one per line, # for comments");
        }
        return new ApiKeyFile(file, checkInterval, clock, keys);
    }

    /** Whether {@code presented} is one of the keys; the time taken does not depend on which or where. */
    public boolean accepts(String presented) {
        refreshIfDue();
        byte[] digest = sha256(presented);
        boolean found = false;
        for (byte[] key : keys.digests()) {
            found |= MessageDigest.isEqual(key, digest);
        }
        return found;
    }

    public int size() {
        refreshIfDue();
        return keys.digests().size();
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (Duration.between(checked, now).compareTo(checkInterval) < 0) {
            return;
        }
        synchronized (this) {
            if (Duration.between(checked, now).compareTo(checkInterval) < 0) {
                return;
            }
            checked = now;
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attributes.lastModifiedTime().equals(keys.modified()) || attributes.size() != keys.size()) {
                    keys = read(file);
                    LOG.infof("API key file %s re-read: %d keys", file, keys.digests().size());
                }
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                LOG.warnf("API key file %s cannot be read (%s); keeping its %d earlier keys", file, e,
                        keys.digests().size());
            }
        }
    }

    private static Keys read(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<byte[]> digests = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    digests.add(digest(line, file, i + 1));
                }
            }
            return new Keys(List.copyOf(digests), attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] digest(String line, Path file, int number) {
        if (!line.toLowerCase(Locale.ROOT).startsWith(HASHED)) {
            return sha256(line);
        }
        String hex = line.substring(HASHED.length());
        if (!hex.matches("[0-9A-Fa-f]{64}")) {
            // Never echo the line: it may be a key.
            throw new IllegalArgumentException("API key file " + file + " line " + number
                    + ": sha256: must be followed by 64 hex digits");
        }
        return HexFormat.of().parseHex(hex);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
