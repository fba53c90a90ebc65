package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.TestModels;
import dev.vscan.model.weights.SafetensorsReader;
import dev.vscan.model.weights.SafetensorsWriter;
import dev.vscan.model.weights.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user drives it: exit status, stdout and the one stderr line. */
class MainTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CHECKPOINT_FILES = List.of("config.json", "model.safetensors",
            "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "generation_config.json");
    private static final String QUESTION = "what colour is the circle ?";

    @TempDir
    Path tmp;

    /** What one invocation of {@link Main#run} returned and printed. */
    record Result(int status, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path image(String name, long seed) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, TestModels.png(seed, 160, 120));
        return file;
    }

    private Result generate(Path model, Path... images) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString()));
        for (Path image : images) {
            args.add("--image");
            args.add(image.toString());
        }
        args.addAll(List.of("--prompt", QUESTION, "--max-new-tokens", "5", "--json"));
        return run(args.toArray(String[]::new));
    }

    /** Asserts status 2, nothing on stdout and exactly one "error: " line; returns that line. */
    private static String badInput(Result r) {
        assertEquals(2, r.status(), () -> "stderr: " + r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().endsWith(System.lineSeparator()), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "more than one line on stderr: " + r.err());
        return line;
    }

    @Test
    void tinyCheckpointWritesEveryFileAndIsDeterministicInTheSeed() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        Result first = run("tiny-checkpoint", a.toString(), "--preset", "tiny", "--seed", "3");
        assertEquals(0, first.status(), first.err());
        assertEquals("", first.err());
        assertEquals(0, run("tiny-checkpoint", b.toString(), "--preset", "tiny", "--seed", "3").status());
        assertEquals(0, run("tiny-checkpoint", c.toString(), "--preset", "tiny", "--seed", "4").status());

        for (String name : CHECKPOINT_FILES) {
            assertTrue(Files.isRegularFile(a.resolve(name)), name + " was not written");
        }
        try (Stream<Path> files = Files.list(a)) {
            List<String> written = files.map(p -> p.getFileName().toString()).sorted().toList();
            List<String> expected = CHECKPOINT_FILES.stream().sorted().toList();
            assertEquals(expected, written);
        }
        for (String name : CHECKPOINT_FILES) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)),
                    name + " differs between two runs with seed 3");
        }
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("model.safetensors")),
                Files.readAllBytes(c.resolve("model.safetensors"))), "seeds 3 and 4 gave the same weights");
    }

    @Test
    void aQwenTinyCheckpointHasThePublishedFiles() throws IOException {
        Path qwen = tmp.resolve("qwen");
        Result made = run("tiny-checkpoint", qwen.toString(), "--family", "qwen2_5_vl", "--preset", "tiny");
        assertEquals(0, made.status(), made.err());
        assertEquals("", made.err());
        assertTrue(made.out().contains("tiny qwen2_5_vl checkpoint"), made.out());
        List<String> expected = new ArrayList<>(CHECKPOINT_FILES);
        expected.add("chat_template.json");
        try (Stream<Path> files = Files.list(qwen)) {
            assertEquals(expected.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        JsonNode config = JSON.readTree(qwen.resolve("config.json").toFile());
        assertEquals("qwen2_5_vl", config.get("model_type").asText());
        assertEquals(4, config.get("vision_config").get("depth").asInt());
        try (SafetensorsReader weights = SafetensorsReader.open(qwen.resolve("model.safetensors"))) {
            assertTrue(weights.contains("visual.patch_embed.proj.weight"));
            assertTrue(weights.contains("model.layers.3.self_attn.q_proj.bias"));
        }
        String line = badInput(run("tiny-checkpoint", tmp.resolve("y").toString(), "--family", "qwen2_5_vl",
                "--preset", "shapes"));
        assertTrue(line.contains("unknown qwen2_5_vl preset 'shapes'"), line);
    }

    @Test
    void aNextTinyCheckpointAnswersWithAndWithoutAPaperBudget() throws IOException {
        Path next = tmp.resolve("next");
        Result made = run("tiny-checkpoint", next.toString(), "--family", "llava_next", "--preset", "tiny");
        assertEquals(0, made.status(), made.err());
        JsonNode config = JSON.readTree(next.resolve("config.json").toFile());
        assertEquals("llava_next", config.get("model_type").asText());
        assertEquals(5, config.get("image_grid_pinpoints").size());
        Path image = image("wide.png", 2);
        Result plain = run("generate", "--model", next.toString(), "--image", image.toString(), "--prompt", "what ?",
                "--max-new-tokens", "3", "--json");
        assertEquals(0, plain.status(), plain.err());
        JsonNode efficiency = plain.json().get("efficiency");
        assertTrue(efficiency.get("crops_per_image").get(0).asInt() > 1, efficiency.toString());
        assertTrue(efficiency.get("newlines_per_image").get(0).asInt() > 0, efficiency.toString());
        Result reduced = run("generate", "--model", next.toString(), "--image", image.toString(), "--prompt", "what ?",
                "--max-new-tokens", "3", "--reduction", "vscan", "--budget", "160", "--json");
        assertEquals(0, reduced.status(), reduced.err());
        assertTrue(reduced.json().get("efficiency").get("visual_tokens_after_stage2").asInt()
                < efficiency.get("visual_tokens_after_stage2").asInt() / 2, reduced.json().toString());
        String line = badInput(run("tiny-checkpoint", tmp.resolve("x").toString(), "--family", "qwen"));
        assertTrue(line.contains("unknown --family 'qwen'"), line);
    }

    @Test
    void generateAnswersTheQwenFixtureWithAndWithoutVscanForOneAndTwoImages() throws Exception {
        Path model = Path.of(MainTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI()).getParent();
        JsonNode expected = JSON.readTree(model.resolve("expected.json").toFile());
        String one = model.resolve("image.png").toString();
        String two = model.resolve("image2.png").toString();
        Result plain = run("generate", "--model", model.toString(), "--image", one, "--prompt",
                expected.get("question").asText(), "--max-new-tokens", "8", "--json");
        assertEquals(0, plain.status(), plain.err());
        assertEquals(expected.get("answer").asText(), plain.json().get("answer").asText());
        assertTrue(plain.json().get("efficiency").get("vision_flops").asLong() > 0);
        JsonNode vscan = expected.get("vscan");
        Result reduced = run("generate", "--model", model.toString(), "--image", one, "--prompt",
                expected.get("question").asText(), "--max-new-tokens", "8", "--reduction", "vscan",
                "--r1", vscan.get("r1").asText(), "--r2", vscan.get("r2").asText(), "--layer",
                vscan.get("layer").asText());
        assertEquals(0, reduced.status(), reduced.err());
        assertEquals(vscan.get("answer").asText(), reduced.out().strip());
        JsonNode pair = expected.get("two_images");
        Result both = run("generate", "--model", model.toString(), "--image", one, "--image", two, "--prompt",
                pair.get("question").asText(), "--max-new-tokens", "8");
        assertEquals(pair.get("answer").asText(), both.out().strip(), both.err());
        // --r1 counts per image (36 of each image's 72), --r2 over the prompt (23 of the 72 stage 1 kept)
        Result bothReduced = run("generate", "--model", model.toString(), "--image", one, "--image", two, "--prompt",
                pair.get("question").asText(), "--max-new-tokens", "8", "--reduction", "vscan", "--r1", "36",
                "--r2", pair.get("vscan").get("r2").asText(), "--layer", pair.get("vscan").get("layer").asText());
        assertEquals(pair.get("vscan").get("answer").asText(), bothReduced.out().strip(), bothReduced.err());
        // the authors' ratios: int(0.5 x 72) = 36 per image, then int(0.333 x 72) = 23 over the prompt
        Result ratios = run("generate", "--model", model.toString(), "--image", one, "--image", two, "--prompt",
                pair.get("question").asText(), "--max-new-tokens", "8", "--reduction", "vscan", "--r1-ratio", "0.5",
                "--r2-ratio", pair.get("vscan").get("r2_ratio").asText(), "--layer", "2");
        assertEquals(pair.get("vscan").get("answer").asText(), ratios.out().strip(), ratios.err());
        // the paper's 11.1 % on a 72-token image: 1.5 x 8 = 12 after stage 1, 4 after layer 2
        Result preset = run("generate", "--model", model.toString(), "--image", one, "--prompt",
                expected.get("question").asText(), "--max-new-tokens", "2", "--reduction", "vscan", "--fraction",
                String.valueOf(1 / 9.0), "--json");
        assertEquals(0, preset.status(), preset.err());
        assertEquals(12, preset.json().get("efficiency").get("visual_tokens_after_stage1").asInt());
        assertEquals(4, preset.json().get("efficiency").get("visual_tokens_after_stage2").asInt());
        String line = badInput(run("generate", "--model", model.toString(), "--image", one, "--prompt", "q",
                "--reduction", "visionzip", "--budget", "20"));
        assertTrue(line.contains("[CLS]"), line);
    }

    @Test
    void generateJsonReportsTokenCountsAndTheSameAnswerAsPlainText() throws IOException {
        Path model = TestModels.tinyCheckpoint();
        Path image = image("one.png", 1);
        Result r = generate(model, image);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertEquals(1, r.out().lines().count(), "one JSON object on one line: " + r.out());

        JsonNode json = r.json();
        assertTrue(json.isObject());
        for (String field : List.of("answer", "prompt_tokens", "visual_tokens", "generated_tokens", "prefill_ms",
                "decode_ms", "token_ids")) {
            assertTrue(json.has(field), "missing field " + field + " in " + r.out());
        }
        assertTrue(json.get("answer").isTextual());
        // 112 px crop / 14 px patches = an 8x8 grid.
        assertEquals(64, json.get("visual_tokens").asInt());
        int generated = json.get("generated_tokens").asInt();
        assertTrue(generated >= 1 && generated <= 5, "generated " + generated);
        assertEquals(generated, json.get("token_ids").size());
        // The prompt holds the 64 image positions plus the template and question text.
        assertTrue(json.get("prompt_tokens").asInt() > 64, r.out());
        assertTrue(json.get("prefill_ms").asDouble() > 0, r.out());
        assertTrue(json.get("decode_ms").asDouble() >= 0, r.out());

        Result plain = run("generate", "--model", model.toString(), "--image", image.toString(), "--prompt",
                QUESTION, "--max-new-tokens", "5");
        assertEquals(0, plain.status(), plain.err());
        assertEquals(json.get("answer").asText() + System.lineSeparator(), plain.out());
    }

    @Test
    void twoImagesGiveTwiceTheVisualTokens() throws IOException {
        Result r = generate(TestModels.tinyCheckpoint(), image("one.png", 1), image("two.png", 2));
        assertEquals(0, r.status(), r.err());
        assertEquals(128, r.json().get("visual_tokens").asInt());
    }

    @Test
    void convertedCheckpointsAnswerExactlyLikeTheSource() throws IOException {
        Path src = TestModels.tinyCheckpoint();
        Path sharded = tmp.resolve("transformers");
        Path back = tmp.resolve("llava-hf");
        Path image = image("one.png", 5);

        Result toSharded = run("convert-checkpoint", src.toString(), sharded.toString(), "--layout", "transformers",
                "--shards", "3");
        assertEquals(0, toSharded.status(), toSharded.err());
        assertTrue(Files.isRegularFile(sharded.resolve("model.safetensors.index.json")));
        try (Stream<Path> files = Files.list(sharded)) {
            assertEquals(3, files.filter(p -> p.getFileName().toString().matches("model-\\d+-of-\\d+\\.safetensors"))
                    .count());
        }
        Result toSingle = run("convert-checkpoint", sharded.toString(), back.toString(), "--layout", "llava-hf",
                "--shards", "1");
        assertEquals(0, toSingle.status(), toSingle.err());
        assertTrue(Files.isRegularFile(back.resolve("model.safetensors")));

        JsonNode expected = generate(src, image).json();
        for (Path converted : List.of(sharded, back)) {
            Result r = generate(converted, image);
            assertEquals(0, r.status(), r.err());
            assertEquals(expected.get("answer"), r.json().get("answer"), converted.toString());
            assertEquals(expected.get("token_ids"), r.json().get("token_ids"), converted.toString());
        }
    }

    @Test
    void missingModelDirectory() throws IOException {
        Path missing = tmp.resolve("no-such-model");
        String line = badInput(generate(missing, image("one.png", 1)));
        assertTrue(line.contains(missing.toString()) && line.contains("does not exist"), line);
    }

    @Test
    void missingPrompt() throws IOException {
        String line = badInput(run("generate", "--model", TestModels.tinyCheckpoint().toString(), "--image",
                image("one.png", 1).toString()));
        assertTrue(line.contains("--prompt"), line);
    }

    @Test
    void missingImageFileIsNamed() {
        Path missing = tmp.resolve("nowhere.png");
        String line = badInput(generate(TestModels.tinyCheckpoint(), missing));
        assertTrue(line.contains(missing.toString()) && line.contains("does not exist"), line);
    }

    @Test
    void corruptImageIsReportedAsAnImage() throws IOException {
        Path garbage = tmp.resolve("garbage.png");
        byte[] bytes = new byte[4096];
        new Random(11).nextBytes(bytes);
        Files.write(garbage, bytes);
        String line = badInput(generate(TestModels.tinyCheckpoint(), garbage));
        assertEquals("error: image file " + garbage + ": image is in an unrecognised format; send PNG, JPEG, BMP"
                + " or GIF", line);
    }

    @Test
    void imageOverThePixelLimitIsRefusedBeforeDecoding() throws IOException {
        // 8000x6000 = 48 MP, over the 40 MP default; the header alone declares it, no raster follows.
        Path huge = tmp.resolve("huge.png");
        Files.write(huge, pngDeclaring(8000, 6000));
        String line = badInput(generate(TestModels.tinyCheckpoint(), huge));
        assertEquals("error: image file " + huge + ": image is 8000x6000 = 48000000 pixels; the limit is 40000000",
                line);
    }

    @Test
    void unknownOption() {
        String line = badInput(run("generate", "--model", "m", "--prompt", "hi", "--colour", "red"));
        assertEquals("error: unknown option --colour", line);
    }

    @Test
    void noCommandOrAnUnknownOneKeepsToOneLinePointingAtHelp() {
        assertEquals("error: no command given; run 'help' for usage", badInput(run()));
        assertEquals("error: unknown command 'serve'; run 'help' for usage", badInput(run("serve")));
        Result help = run("help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage:") && help.out().contains("generate --model DIR"), help.out());
    }

    @Test
    void helpListsEveryCommandAndExplainsOne() {
        String all = run("--help").out();
        for (String command : List.of("generate", "send", "follow", "tiny-checkpoint", "convert-checkpoint", "train",
                "eval", "samples", "broker")) {
            assertTrue(all.contains("\n  " + command + " "), command + " missing from: " + all);
        }
        Result send = run("help", "send");
        assertEquals(0, send.status());
        assertEquals("", send.err());
        assertTrue(send.out().startsWith("usage: send --prompt TEXT") && send.out().contains("--images-from DIR")
                && send.out().contains("--kafka key=value"), send.out());
        assertEquals(send, run("send", "--help"));
        assertEquals("error: unknown command 'serve'; choose among generate, send, follow, tiny-checkpoint,"
                + " convert-checkpoint, train, eval, samples, broker", badInput(run("help", "serve")));
    }

    @Test
    void sendAndFollowRefuseBadOptionsBeforeTheyConnect() {
        // no broker listens on port 1: each of these must fail before trying
        assertEquals("error: --wait must be 0 or more seconds, got -1",
                badInput(run("send", "--bootstrap", "127.0.0.1:1", "--prompt", "hi", "--wait", "-1")));
        assertEquals("error: unknown option --images",
                badInput(run("send", "--bootstrap", "127.0.0.1:1", "--prompt", "hi", "--images", "a.png")));
        assertEquals("error: --topics: unknown 'result'; choose among results,telemetry,dlq",
                badInput(run("follow", "--bootstrap", "127.0.0.1:1", "--topics", "result,dlq")));
        assertEquals("error: --count must be 0 (no limit) or more, got -2",
                badInput(run("follow", "--bootstrap", "127.0.0.1:1", "--count", "-2")));
        assertEquals("error: follow takes options only, got 'vscan.results'",
                badInput(run("follow", "vscan.results")));
    }

    /** A running broker is BrokerProcessTest's; here it refuses what it cannot run before it starts. */
    @Test
    void brokerRefusesBadOptionsBeforeItStarts() {
        String dir = tmp.resolve("kafka").toString();
        assertEquals("error: missing required option --data-dir", badInput(run("broker", "--port", "0")));
        assertTrue(badInput(run("broker", "--data-dir", dir, "--plaintext-port", "9094"))
                .contains("needs --sasl-user"));
        String noColon = badInput(run("broker", "--data-dir", dir, "--sasl-user", "alice-secret"));
        assertTrue(noColon.contains("name:password") && !noColon.contains("alice-secret"), noColon);
        assertTrue(badInput(run("broker", "--data-dir", dir, "--partitions", "0")).contains("at least 1"));
        assertTrue(badInput(run("broker", "--data-dir", dir, "--topics", "a,,b")).contains("empty name"));
        assertTrue(badInput(run("broker", "--data-dir", dir, "--port", "70000")).contains("65535"));
        assertFalse(Files.exists(tmp.resolve("kafka")), "a refused broker wrote its data directory");
        assertTrue(run("help").out().contains("broker --data-dir DIR"));
    }

    @Test
    void zeroMaxNewTokens() throws IOException {
        Result r = run("generate", "--model", TestModels.tinyCheckpoint().toString(), "--image",
                image("one.png", 1).toString(), "--prompt", "hi", "--max-new-tokens", "0");
        String line = badInput(r);
        assertEquals("error: max_new_tokens must be within 1..4096, got 0", line);
    }

    @Test
    void truncatedWeightsFileIsNamed() throws IOException {
        Path model = copyOfTinyCheckpoint("truncated");
        Path weights = model.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        String line = badInput(generate(model, image("one.png", 1)));
        assertTrue(line.contains(weights.toString()) && line.contains("truncated"), line);
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path model = copyOfTinyCheckpoint("no-norm");
        Path weights = model.resolve("model.safetensors");
        String dropped = "language_model.model.norm.weight";
        SafetensorsWriter writer = new SafetensorsWriter();
        Path original = TestModels.tinyCheckpoint().resolve("model.safetensors");
        try (SafetensorsReader reader = SafetensorsReader.open(original)) {
            assertTrue(reader.contains(dropped), "the tiny checkpoint should hold " + dropped);
            for (TensorInfo info : reader.tensors().values()) {
                if (!info.name().equals(dropped)) {
                    writer.add(info.name(), info.dtype(), info.shape(), reader.raw(info.name()));
                }
            }
            writer.write(weights);
        }
        String line = badInput(generate(model, image("one.png", 1)));
        assertTrue(line.contains(dropped), line);
    }

    @Test
    void configThatIsNotJson() throws IOException {
        Path model = copyOfTinyCheckpoint("bad-config");
        Path config = model.resolve("config.json");
        Files.writeString(config, "model_type = llava\n");
        String line = badInput(generate(model, image("one.png", 1)));
        assertTrue(line.contains(config.toString()), line);
        assertTrue(line.contains("JSON"), line);
    }

    /** The PNG signature and an IHDR chunk declaring an 8-bit RGB image of the given size, and nothing else. */
    private static byte[] pngDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(4 + 13).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    private Path copyOfTinyCheckpoint(String name) throws IOException {
        Path source = TestModels.tinyCheckpoint();
        Path copy = Files.createDirectory(tmp.resolve(name));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void vscanReportsExactlyR1AfterStageOneAndR2AfterStageTwo() throws IOException {
        Path model = TestModels.tinyCheckpoint();
        Result r = run("generate", "--model", model.toString(), "--image", image("one.png", 1).toString(),
                "--prompt", QUESTION, "--max-new-tokens", "3", "--json",
                "--reduction", "vscan", "--r1", "24", "--r2", "6", "--layer", "2");
        assertEquals(0, r.status(), r.err());
        JsonNode e = r.json().get("efficiency");
        assertEquals("vscan", r.json().get("reduction").asText());
        assertEquals("reference", r.json().get("positions").asText());
        assertEquals(64, e.get("visual_tokens_in").asInt());
        assertEquals(24, e.get("visual_tokens_after_stage1").asInt());
        assertEquals(6, e.get("visual_tokens_after_stage2").asInt());
        assertEquals(24, e.get("kept_patch_indices").get(0).size());
        assertTrue(e.get("flops_reduced").asLong() < e.get("flops_full").asLong(), r.out());
        for (String field : List.of("text_tokens", "vision_ms", "reduction_ms", "prefill_ms", "decode_ms")) {
            assertTrue(e.has(field), "missing efficiency." + field);
        }
    }

    @Test
    void everyReductionMethodRunsAtABudget() throws IOException {
        Path model = TestModels.tinyCheckpoint();
        Path image = image("one.png", 1);
        for (String method : List.of("none", "vscan", "fastv", "pdrop", "visionzip", "vscan-global", "vscan-local",
                "vscan-nomerge")) {
            List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--image",
                    image.toString(), "--prompt", QUESTION, "--max-new-tokens", "2", "--json", "--reduction", method));
            if (!method.equals("none")) {
                args.addAll(List.of("--budget", "40")); // FastV on 4 layers cannot average below 32
            }
            Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.status(), method + ": " + r.err());
            JsonNode e = r.json().get("efficiency");
            long full = e.get("flops_full").asLong();
            long reduced = e.get("flops_reduced").asLong();
            if (method.equals("none")) {
                assertEquals(full, reduced);
            } else {
                assertTrue(reduced < full, method + ": " + r.out());
            }
        }
    }

    @Test
    void keptTokensCanKeepTheirOriginalPositions() throws IOException {
        Path model = TestModels.tinyCheckpoint();
        Result r = run("generate", "--model", model.toString(), "--image", image("one.png", 1).toString(),
                "--prompt", QUESTION, "--max-new-tokens", "2", "--json",
                "--reduction", "vscan", "--r1", "24", "--r2", "6", "--layer", "2", "--positions", "original");
        assertEquals(0, r.status(), r.err());
        assertEquals("original", r.json().get("positions").asText());
        assertEquals(6, r.json().get("efficiency").get("visual_tokens_after_stage2").asInt());
        String line = badInput(run("generate", "--model", model.toString(), "--image", image("one.png", 1).toString(),
                "--prompt", QUESTION, "--reduction", "vscan", "--positions", "sideways"));
        assertTrue(line.contains("sideways") && line.contains("reference, original"), line);
    }

    @Test
    void invalidReductionSettingsAreRefusedWithTheValueAtFault() throws IOException {
        Path model = TestModels.tinyCheckpoint();
        String image = image("one.png", 1).toString();
        String line = badInput(run("generate", "--model", model.toString(), "--image", image, "--prompt", QUESTION,
                "--reduction", "vscan", "--r1", "8", "--r2", "16", "--layer", "2"));
        assertTrue(line.contains("r2") && line.contains("r1"), line);
        line = badInput(run("generate", "--model", model.toString(), "--image", image, "--prompt", QUESTION,
                "--reduction", "vscan", "--r1", "32", "--r2", "8", "--layer", "9"));
        assertTrue(line.contains("layer 9"), line);
        line = badInput(run("generate", "--model", model.toString(), "--image", image, "--prompt", QUESTION,
                "--reduction", "tome"));
        assertTrue(line.contains("tome") && line.contains("vscan"), line);
    }

    /** The llava-next-reference checkpoint and its answers (see its README). */
    private static Path nextCheckpoint() {
        try {
            return Path.of(MainTest.class.getResource("/llava-next-reference/config.json").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLlavaNextCheckpointAnswersLikeTheReferencePlainAndWithVScan() throws IOException {
        Path model = nextCheckpoint();
        JsonNode expected = JSON.readTree(model.resolve("expected.json").toFile());
        String image = model.resolve("image.png").toString();
        String question = expected.get("question").asText();
        Result plain = run("generate", "--model", model.toString(), "--image", image, "--prompt", question,
                "--max-new-tokens", "8", "--json");
        assertEquals(0, plain.status(), plain.err());
        assertEquals(expected.get("answer").asText(), plain.json().get("answer").asText());
        assertEquals(expected.get("num_image_tokens").asInt(), plain.json().get("visual_tokens").asInt());
        JsonNode vscan = expected.get("vscan");
        Result reduced = run("generate", "--model", model.toString(), "--image", image, "--prompt", question,
                "--max-new-tokens", "8", "--reduction", "vscan", "--r1", vscan.get("r1_per_crop").asText(),
                "--r2", vscan.get("r2").asText(), "--layer", vscan.get("layer").asText(), "--json");
        assertEquals(0, reduced.status(), reduced.err());
        assertEquals(vscan.get("answer").asText(), reduced.json().get("answer").asText());
        assertEquals(vscan.get("visual_tokens_after_stage1").asInt(), reduced.json().get("visual_tokens").asInt());
        Result budgeted = run("generate", "--model", model.toString(), "--image", image, "--prompt", question,
                "--max-new-tokens", "8", "--reduction", "pdrop", "--budget", "160", "--json");
        assertEquals(0, budgeted.status(), budgeted.err());
        assertTrue(budgeted.json().get("efficiency").get("visual_tokens_after_stage2").asInt()
                < expected.get("num_image_tokens").asInt(),
                budgeted.json().toString());
        String line = badInput(run("generate", "--model", model.toString(), "--image", image, "--prompt", question,
                "--reduction", "pdrop", "--r2", "20"));
        assertTrue(line.contains("takes a budget or fraction"), line);
    }
}
