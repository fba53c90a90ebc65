package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible API as a client nobody here wrote sees it: the official OpenAI SDK for JavaScript
 * (src/test/node, its version pinned by the committed package-lock.json and installed under target/) runs
 * against the packaged service with its embedded broker and built-in model: a one-image and a two-image
 * question, a streamed answer against the same seeded request unstreamed, an image URL the URL policy
 * refuses, malformed requests. Needs node and npm: without them the test fails in CI (CI is set) and is
 * skipped elsewhere.
 */
class OpenAiSdkIT {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path INSTALL = Path.of("target", "openai-sdk");
    private static final String SCRIPT = "openai-sdk.test.mjs";

    private static PackagedService service;

    @BeforeAll
    static void start() throws Exception {
        boolean haveNode = onPath("node") && onPath("npm");
        if (System.getenv("CI") != null) {
            assertTrue(haveNode, "CI must have node and npm on the PATH (.ci/run installs them)");
        }
        assumeTrue(haveNode, "node and npm are not installed; this check runs where they are (always in CI)");
        install();
        Path work = Files.createTempDirectory("vscan-openai-sdk");
        service = PackagedService.start(List.of("-Xmx1g", "-Dvscan.kafka.embedded-port=" + PackagedService.freePort(),
                "-Dvscan.data-dir=" + work.resolve("data")), work.resolve("service.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void theOfficialJavaScriptSdkTalksToTheService() throws Exception {
        Path samples = Path.of("samples").toAbsolutePath();
        Result run = run(INSTALL, Map.of("VSCAN_URL", "http://127.0.0.1:" + service.port,
                "VSCAN_GLYPH_PNG", samples.resolve("07-glyph.png").toString(),
                "VSCAN_COMPARE_1_PNG", samples.resolve("11-compare-1.png").toString(),
                "VSCAN_COMPARE_2_PNG", samples.resolve("11-compare-2.png").toString()),
                600, "node", "--test", "--test-reporter=spec", SCRIPT);
        assertEquals(0, run.exit, "the SDK checks failed (service log " + service.log + "):\n" + run.output);
    }

    /** npm ci of the committed lock file, into target/ so that the source tree stays clean. */
    private static void install() throws Exception {
        Files.createDirectories(INSTALL);
        for (String file : List.of("package.json", "package-lock.json", SCRIPT)) {
            Files.copy(SOURCES.resolve(file), INSTALL.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Result ci = run(INSTALL, Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund");
        assertEquals(0, ci.exit, "npm ci failed:\n" + ci.output);
    }

    private record Result(int exit, String output) {}

    private static Result run(Path dir, Map<String, String> env, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("vscan-node", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        System.out.println(String.join(" ", command) + ":\n" + output);
        return new Result(p.exitValue(), output);
    }

    private static boolean onPath(String program) {
        List<String> probe = new ArrayList<>(List.of(program, "--version"));
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
