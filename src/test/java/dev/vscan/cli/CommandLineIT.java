package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.deploy.PackagedService;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.model.TestModels;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.MessageSchema;
import dev.vscan.wire.SchemaValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code bin/vscan} in a subprocess, as a user runs it: on the packaged application, against the
 * packaged service (echo engine: empty answers with real token accounting) and a broker of its own.
 */
class CommandLineIT {

    private static final Path VSCAN = Path.of("bin", "vscan");

    private static Path work;
    private static EmbeddedKafkaBroker broker;
    private static PackagedService service;

    /** What one run of bin/vscan printed and returned. */
    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("vscan-cli-it");
        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
        service = PackagedService.start(List.of("-Xmx1g", "-Dvscan.model.engine=echo",
                "-Dkafka.bootstrap.servers=" + broker.bootstrapServers(), "-Dvscan.data-dir=" + work.resolve("data")),
                work.resolve("service.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Run vscan(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(VSCAN.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/vscan " + String.join(" ", args) + " ran over 3 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Run vscan(String... args) throws IOException, InterruptedException {
        return vscan(Map.of("VSCAN_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx1g"), args);
    }

    private static Run send(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("send", "--bootstrap", broker.bootstrapServers()));
        all.addAll(List.of(args));
        return vscan(all.toArray(String[]::new));
    }

    private static Path images(String dir, String... names) throws IOException {
        Path d = Files.createDirectories(work.resolve(dir));
        for (int i = 0; i < names.length; i++) {
            Files.write(d.resolve(names[i]), TestModels.png(i + 11, 112, 112));
        }
        return d;
    }

    @Test
    void helpListsTheCommandsOnStdoutOnly() throws Exception {
        Run help = vscan("--help");
        assertEquals(0, help.status(), help.err());
        assertEquals("", help.err());
        assertTrue(help.out().contains("  send --prompt TEXT") && help.out().contains("  follow [--topics")
                && help.out().contains("  generate --model DIR"), help.out());
        Run one = vscan("help", "follow");
        assertEquals(0, one.status(), one.err());
        assertTrue(one.out().startsWith("usage: follow ") && one.out().contains("--from-beginning"), one.out());
    }

    @Test
    void sendPrintsEachAnswerAsItComesAndExitsZero() throws Exception {
        Path dir = images("send", "07-glyph.png", "08-glyph.png");
        Run r = send("--prompt", "which digit is in the top left corner?", "--images-from", dir.toString(), "--id",
                "it-send", "--reduction", "vscan", "--budget", "56", "--max-new-tokens", "4");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        // the echo engine answers with empty text
        assertEquals(Set.of("it-send-07-glyph: ", "it-send-08-glyph: "), Set.copyOf(r.lines()));

        Run json = send("--prompt", "what colour is the circle?", "--image", dir.resolve("07-glyph.png").toString(),
                "--id", "it-json", "--json");
        assertEquals(0, json.status(), json.err());
        assertEquals(1, json.lines().size(), json.out());
        JsonNode result = MessageJson.tree(json.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), SchemaValidator.of(MessageSchema.INFERENCE_RESULT).validate(result));
        assertEquals("it-json", result.get("id").asText());
        assertEquals("ok", result.get("status").asText());
        assertTrue(result.get("tokens").get("visual").asInt() > 0, result.toString());
    }

    @Test
    void aBadImageFileExitsTwoWithOneLineNamingIt() throws Exception {
        Path bad = work.resolve("photo.png");
        Files.writeString(bad, "this is not a picture");
        Run r = send("--prompt", "what is this?", "--image", bad.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals("error: image file " + bad + ": image is in an unrecognised format; send PNG, JPEG, BMP or GIF",
                r.err().strip());
    }

    @Test
    void aRequestTheServiceRefusesIsPrintedWithItsCodeAndExitsOne() throws Exception {
        // within the schema, over this service's limit of 1024 new tokens: only the service can refuse it
        Run r = send("--prompt", "hi", "--max-new-tokens", "2000", "--id", "it-over");
        assertEquals(1, r.status(), r.err());
        assertEquals("it-over: invalid invalid_options: /options: max_new_tokens 2000 exceeds this service's limit"
                + " of 1024", r.out().strip());
    }

    @Test
    void followCountPrintsThatManyRecords() throws Exception {
        Path image = images("follow", "a.png").resolve("a.png");
        assertEquals(0, send("--prompt", "how many shapes?", "--image", image.toString(), "--id", "it-follow").status());
        Run r = vscan("follow", "--bootstrap", broker.bootstrapServers(), "--from-beginning", "--id", "it-follow",
                "--topics", "results,telemetry", "--count", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals(2, r.lines().size(), r.out());
        assertEquals(Set.of("result", "telemetry"), r.lines().stream().map(l -> l.split(" ")[0])
                .collect(Collectors.toSet()));
        r.lines().forEach(l -> assertTrue(l.split(" ")[1].equals("it-follow"), l));
    }

    @Test
    void generateAnswersAPromptWithSpacesAndQuotesAsTheInProcessCommandDoes() throws Exception {
        Path model = work.resolve("tiny model");
        Run made = vscan("tiny-checkpoint", model.toString(), "--preset", "tiny", "--seed", "1");
        assertEquals(0, made.status(), made.err());
        assertEquals("wrote tiny llava checkpoint (seed 1) to " + model, made.out().strip());

        Path image = images("generate", "shapes.png").resolve("shapes.png");
        String prompt = "what's the colour of the \"big\" circle ?";
        String[] args = {"generate", "--model", model.toString(), "--image", image.toString(), "--prompt", prompt,
                "--max-new-tokens", "4", "--json"};
        Run script = vscan(args);
        assertEquals(0, script.status(), script.err());
        assertEquals("", script.err());
        JsonNode fromScript = MessageJson.tree(script.out().getBytes(StandardCharsets.UTF_8));
        JsonNode inProcess = MainTest.run(args).json();
        for (String field : List.of("answer", "prompt_tokens", "text_tokens", "token_ids")) {
            assertEquals(inProcess.get(field), fromScript.get(field), field + " differs: the prompt did not arrive whole");
        }
        assertTrue(fromScript.get("answer").isTextual());
    }

    @Test
    void javaOptionsPassThroughAndAMissingPackageIsNamed() throws Exception {
        Run badHeap = vscan(Map.of("VSCAN_JAVA_OPTS", "-Xmx1banana"), "--help");
        assertEquals(1, badHeap.status());
        assertTrue(badHeap.err().contains("Invalid maximum heap size"), badHeap.err());

        Path none = work.resolve("no-app");
        Run missing = vscan(Map.of("VSCAN_APP", none.toString()), "--help");
        assertEquals(1, missing.status());
        assertEquals("error: " + none + " holds no packaged application (quarkus-run.jar, app/*.jar)",
                missing.err().strip());
    }
}
