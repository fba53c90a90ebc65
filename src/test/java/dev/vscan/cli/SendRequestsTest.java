package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.core.OptionsTranslator;
import dev.vscan.core.RequestLimits;
import dev.vscan.core.RequestParser;
import dev.vscan.model.TestModels;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.MessageSchema;
import dev.vscan.wire.SchemaValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requests {@code send} builds from its arguments, read back as the service reads them. */
class SendRequestsTest {

    private static final SchemaValidator SCHEMA = SchemaValidator.of(MessageSchema.INFERENCE_REQUEST);
    private static final RequestParser SERVICE = new RequestParser(RequestLimits.defaults());

    @TempDir
    Path tmp;

    private static List<SendRequests.Outgoing> build(String... args) {
        String[] all = Stream.concat(Stream.of("send"), Stream.of(args)).toArray(String[]::new);
        return SendRequests.from(new Arguments(all, 1, SendRequests.OPTIONS, SendRequests.FLAGS));
    }

    private Path png(String name, long seed) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, TestModels.png(seed, 64, 48));
        return file;
    }

    /** The request as the service's own parser accepts it, after the schema passed it. */
    private static InferenceRequest accepted(SendRequests.Outgoing out) {
        JsonNode tree = MessageJson.tree(out.json());
        assertEquals(List.of(), SCHEMA.validate(tree), tree.toString());
        RequestParser.ParsedRequest parsed = SERVICE.parse(out.json(), out.id(), null);
        assertEquals(out.id(), parsed.id());
        return parsed.request();
    }

    @Test
    void imagesGoInlineInOrderWithTheOptionsTranslatedAsGenerateTranslatesThem() throws IOException {
        Path first = png("first.png", 1);
        Path second = png("second.png", 2);
        List<SendRequests.Outgoing> requests = build("--prompt", "which digit is in the top left corner?",
                "--image", first.toString(), "--image", second.toString(), "--id", "q-1",
                "--reduction", "vscan", "--budget", "56", "--max-new-tokens", "4", "--seed", "7");

        assertEquals(1, requests.size());
        InferenceRequest r = accepted(requests.get(0));
        assertEquals("q-1", r.id());
        assertEquals("which digit is in the top left corner?", r.prompt());
        assertEquals(2, r.images().size());
        assertArrayEquals(Files.readAllBytes(first), Base64.getDecoder().decode(r.images().get(0).data()));
        assertArrayEquals(Files.readAllBytes(second), Base64.getDecoder().decode(r.images().get(1).data()));
        assertEquals(4, r.options().maxNewTokens());
        assertEquals(7L, r.options().seed());
        ReductionConfig reduction = OptionsTranslator.reduction(r.options());
        assertEquals(ReductionMethod.VSCAN, reduction.method());
        assertEquals(56, reduction.budget());

        JsonNode options = MessageJson.tree(requests.get(0).json()).get("options");
        assertEquals(4, options.get("max_new_tokens").asInt(), "snake_case on the wire");
        assertFalse(options.has("temperature"), "options not given are left out: " + options);
    }

    @Test
    void aDirectoryGivesOneRequestPerImageNamedAfterItsFile() throws IOException {
        png("b-count.png", 1);
        png("a colour.png", 2);
        Files.writeString(tmp.resolve("notes.txt"), "not an image, not sent");
        List<SendRequests.Outgoing> requests = build("--prompt", "how many shapes?", "--images-from", tmp.toString(),
                "--id", "batch");

        assertEquals(List.of("batch-a_colour", "batch-b-count"), requests.stream().map(SendRequests.Outgoing::id).toList());
        assertEquals(List.of(tmp.resolve("a colour.png")), requests.get(0).files());
        for (SendRequests.Outgoing out : requests) {
            assertEquals(1, accepted(out).images().size());
        }
    }

    @Test
    void oneRequestTakesTheWholeDirectoryAndFileNamesThatMeetGetANumber() throws IOException {
        png("a.png", 1);
        png("a.jpg.png", 2);
        Files.write(tmp.resolve("a.gif"), TestModels.png(3, 32, 32)); // decodes by its bytes, whatever the suffix
        List<SendRequests.Outgoing> each = build("--prompt", "hi", "--images-from", tmp.toString(), "--id", "d");
        assertEquals(List.of("d-a", "d-a.jpg", "d-a-2"), each.stream().map(SendRequests.Outgoing::id).toList());

        List<SendRequests.Outgoing> together = build("--prompt", "compare <image> <image> <image>", "--images-from",
                tmp.toString(), "--one-request", "--id", "d");
        assertEquals(1, together.size());
        assertEquals("d", together.get(0).id());
        assertEquals(3, accepted(together.get(0)).images().size());
    }

    @Test
    void withoutAnIdEachSendGetsAFreshValidOne() {
        String a = build("--prompt", "a text-only question").get(0).id();
        String b = build("--prompt", "a text-only question").get(0).id();
        assertTrue(a.startsWith("cli-") && RequestParser.isValidId(a), a);
        assertFalse(a.equals(b), "two sends reused the id " + a);
    }

    @Test
    void aQuestionWithoutImagesOrOptionsCarriesNeitherField() {
        SendRequests.Outgoing out = build("--prompt", "hello", "--id", "t").get(0);
        assertEquals("{\"id\":\"t\",\"prompt\":\"hello\"}", new String(out.json(), StandardCharsets.UTF_8));
        assertEquals(List.of(), accepted(out).images());
    }

    @Test
    void aFileThatIsNoImageIsRefusedByNameBeforeAnythingIsSent() throws IOException {
        Path bad = tmp.resolve("photo.png");
        Files.writeString(bad, "not an image");
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> build("--prompt", "hi", "--image", bad.toString()));
        assertTrue(e.getMessage().startsWith("image file " + bad + ": "), e.getMessage());
        assertEquals(InvalidImageException.Reason.UNSUPPORTED_FORMAT, e.reason());

        UsageException missing = assertThrows(UsageException.class,
                () -> build("--prompt", "hi", "--image", tmp.resolve("nope.png").toString()));
        assertEquals("image file " + tmp.resolve("nope.png") + " does not exist", missing.getMessage());
    }

    @Test
    void whatTheServiceWouldRefuseIsRefusedHereWithItsCode() throws IOException {
        Path image = png("one.png", 1);
        InvalidRequestException badMethod = assertThrows(InvalidRequestException.class,
                () -> build("--prompt", "hi", "--image", image.toString(), "--reduction", "sharpen"));
        assertEquals(InvalidRequestException.Code.INVALID_OPTIONS, badMethod.code());
        InvalidRequestException sizesWithoutMethod = assertThrows(InvalidRequestException.class,
                () -> build("--prompt", "hi", "--image", image.toString(), "--budget", "56"));
        assertEquals(InvalidRequestException.Code.INVALID_OPTIONS, sizesWithoutMethod.code());
        InvalidRequestException placeholders = assertThrows(InvalidRequestException.class,
                () -> build("--prompt", "<image> and <image>?", "--image", image.toString()));
        assertEquals(InvalidRequestException.Code.PROMPT_MISMATCH, placeholders.code());
    }

    @Test
    void aDeploymentsOwnLimitsAreLeftToTheService() throws IOException {
        // 2000 new tokens: over the default service's 1024, within what the schema allows
        SendRequests.Outgoing out = build("--prompt", "hi", "--max-new-tokens", "2000").get(0);
        assertEquals(2000, MessageJson.tree(out.json()).get("options").get("max_new_tokens").asInt());
        InvalidRequestException byService = assertThrows(InvalidRequestException.class,
                () -> SERVICE.parse(out.json(), out.id(), null));
        assertEquals(InvalidRequestException.Code.INVALID_OPTIONS, byService.code());
    }

    @Test
    void badArgumentsAreUsageErrors() throws IOException {
        Path image = png("one.png", 1);
        List<String> messages = new ArrayList<>();
        for (String[] args : List.of(
                new String[] {"--image", image.toString()},
                new String[] {"--prompt", "hi", "--image", image.toString(), "--images-from", tmp.toString()},
                new String[] {"--prompt", "hi", "--one-request"},
                new String[] {"--prompt", "hi", "--images-from", tmp.resolve("none").toString()},
                new String[] {"--prompt", "hi", "--id", "has space"},
                new String[] {"--prompt", "hi", "--budget", "many"})) {
            messages.add(assertThrows(UsageException.class, () -> build(args)).getMessage());
        }
        assertEquals(List.of("missing required option --prompt", "give --image FILE or --images-from DIR, not both",
                "--one-request goes with --images-from DIR", "--images-from: " + tmp.resolve("none")
                        + " is not a directory",
                "--id 'has space' is not a valid request id: 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'",
                "option --budget must be an integer, got 'many'"), messages);

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertTrue(assertThrows(UsageException.class, () -> build("--prompt", "hi", "--images-from", empty.toString()))
                .getMessage().startsWith("--images-from: no .png, .jpg"));
    }
}
