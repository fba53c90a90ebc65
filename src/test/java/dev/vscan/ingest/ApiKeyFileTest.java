package dev.vscan.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's key file: what counts as a key, and rotation without a restart. */
class ApiKeyFileTest {

    private static final Duration CHECK = Duration.ofSeconds(10);

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private Path keyFile(String content) throws IOException {
        return Files.writeString(dir.resolve("api-keys"), content);
    }

    @Test
    void keysAreLinesWithCommentsAndBlankLinesLeftOut() throws IOException {
        String hashed = HexFormat.of().formatHex(ApiKeyFile.sha256("given-by-digest"));
        ApiKeyFile keys = ApiKeyFile.open(keyFile("""
                # team A, rotated 2026-01
                  key-one-0123456789

                key-two-abcdef # not a comment: the whole line is the key
                sha256:%s
                """.formatted(hashed)), CHECK, clock);
        assertEquals(3, keys.size());
        assertTrue(keys.accepts("key-one-0123456789"), "surrounding blanks are not part of a key");
        assertTrue(keys.accepts("key-two-abcdef # not a comment: the whole line is the key"));
        assertTrue(keys.accepts("given-by-digest"));
        assertFalse(keys.accepts("# team A, rotated 2026-01"));
        assertFalse(keys.accepts("key-one"));
        assertFalse(keys.accepts(""));
        assertFalse(keys.accepts("sha256:" + hashed), "a digest is not a key");
    }

    @Test
    void aRotatedFileCountsOnceTheCheckIntervalHasPassed() throws IOException {
        Path file = keyFile("old-key\n");
        ApiKeyFile keys = ApiKeyFile.open(file, CHECK, clock);
        assertTrue(keys.accepts("old-key"));

        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, "new-key-longer\n");
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
        clock.advance(CHECK.minusSeconds(1));
        assertTrue(keys.accepts("old-key"), "looked at the file before the interval passed");

        clock.advance(Duration.ofSeconds(1));
        assertFalse(keys.accepts("old-key"));
        assertTrue(keys.accepts("new-key-longer"));
    }

    @Test
    void anEmptiedFileRevokesEveryKeyAndAMissingOneKeepsTheLast() throws IOException {
        Path file = keyFile("k1\nk2\n");
        ApiKeyFile keys = ApiKeyFile.open(file, CHECK, clock);
        Files.delete(file);
        clock.advance(CHECK);
        assertTrue(keys.accepts("k1"), "a file being replaced must not lock everyone out");

        Files.writeString(file, "# all revoked\n");
        clock.advance(CHECK);
        assertFalse(keys.accepts("k1"));
        assertEquals(0, keys.size());
    }

    @Test
    void aFileThatCannotServeIsRefusedAtTheStart() throws IOException {
        assertThrows(UncheckedIOException.class, () -> ApiKeyFile.open(dir.resolve("absent"), CHECK, clock));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ApiKeyFile.open(keyFile("# nothing yet\n"), CHECK, clock));
        assertTrue(empty.getMessage().contains("has no key"), empty.getMessage());
        IllegalArgumentException badDigest = assertThrows(IllegalArgumentException.class,
                () -> ApiKeyFile.open(keyFile("ok\nsha256:secret-not-hex\n"), CHECK, clock));
        assertTrue(badDigest.getMessage().contains("line 2"), badDigest.getMessage());
        assertFalse(badDigest.getMessage().contains("secret-not-hex"), badDigest.getMessage());
    }

    @Test
    void theKeyComesAsABearerTokenOrAnApiKeyHeader() {
        assertEquals(Optional.of("k"), ApiKeyFilter.presentedKey("Bearer k", null));
        assertEquals(Optional.of("k"), ApiKeyFilter.presentedKey("bearer   k ", null));
        assertEquals(Optional.of("k"), ApiKeyFilter.presentedKey(null, "k"));
        assertEquals(Optional.of("k"), ApiKeyFilter.presentedKey("Basic dXNlcjpwdw==", "k"));
        assertEquals(Optional.empty(), ApiKeyFilter.presentedKey("Basic dXNlcjpwdw==", null));
        assertEquals(Optional.empty(), ApiKeyFilter.presentedKey("Bearer ", " "));
    }
}
