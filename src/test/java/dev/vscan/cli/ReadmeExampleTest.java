package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.core.RequestLimits;
import dev.vscan.core.RequestParser;
import dev.vscan.core.RequestPreparer;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.wire.InferenceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first examples, read out of README.md and run: the HTTP request body through the
 * service's parsing, preparation and a worker's running batch, and the {@code generate} command line
 * through {@link Main}. Both must give the answer the README states, so the README cannot drift from
 * what the built-in model says.
 */
class ReadmeExampleTest {

    private static final Path README = Path.of("README.md");
    private static final Path BUILTIN = Path.of("src/main/resources/dev/vscan/model/builtin/shapes-vqa");

    // the body of the first `curl ... -d '{...}'`, and the file its base64 comes from
    private static final Pattern CURL_BODY = Pattern.compile("localhost:8080/v1/requests -H '[^']*' -d '(\\{.*?\\})'\\n",
            Pattern.DOTALL);
    private static final Pattern INLINE_IMAGE = Pattern.compile("'\"\\$\\(base64 -w0 (\\S+)\\)\"'");
    private static final Pattern ANSWER = Pattern.compile("\"answer\": \"([^\"]*)\"");
    private static final Pattern GENERATE = Pattern.compile("bin/vscan (generate --model " + Pattern.quote(BUILTIN
            .toString()) + " [^\n]*)\n");

    @Test
    void theHttpExampleGetsTheAnswerTheReadmeStates() throws IOException {
        String readme = Files.readString(README);
        Matcher body = CURL_BODY.matcher(readme);
        assertTrue(body.find(), "README.md has a curl POST with a JSON body");
        String expected = documentedAnswer(readme, body.end());

        InferenceRequest request = parse(inlineImages(body.group(1)));
        List<byte[]> images = new ArrayList<>();
        request.images().forEach(image -> images.add(Base64.getDecoder().decode(image.data())));
        try (RequestPreparer preparer = new RequestPreparer(BUILTIN, ImageLimits.defaults(), 32, 1024);
                LlavaPipeline pipeline = LlavaPipeline.load(BUILTIN, EngineOptions.cpu(), ImageLimits.defaults())) {
            RequestPreparer.Prepared prepared = preparer.prepare(request, images);
            GenerationOutput[] out = new GenerationOutput[1];
            try (RunningBatch batch = pipeline.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(prepared.request(), o -> out[0] = o)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(request.options().reduction(), prepared.reduction());
            assertEquals(expected, pipeline.tokenizer().decode(out[0].tokens()));
        }
    }

    @Test
    void theCommandLineExampleAsksTheSameAndPrintsTheSameAnswer() throws IOException {
        String readme = Files.readString(README);
        Matcher body = CURL_BODY.matcher(readme);
        assertTrue(body.find(), "README.md has a curl POST with a JSON body");
        String expected = documentedAnswer(readme, body.end());
        InferenceRequest request = parse(inlineImages(body.group(1)));
        Matcher command = GENERATE.matcher(readme);
        assertTrue(command.find(), "README.md has a generate command for the built-in model");
        List<String> args = shellWords(command.group(1));

        // the same question, picture and options as the HTTP example
        assertEquals(request.prompt(), value(args, "--prompt"));
        Matcher image = INLINE_IMAGE.matcher(body.group(1));
        assertTrue(image.find());
        assertEquals(image.group(1), value(args, "--image"));
        InferenceRequest.RequestOptions o = request.options();
        assertEquals(String.valueOf(o.maxNewTokens()), value(args, "--max-new-tokens"));
        assertEquals(o.reduction(), value(args, "--reduction"));
        assertEquals(String.valueOf(o.fraction()), value(args, "--fraction"));
        assertEquals(o.positions(), value(args, "--positions"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(expected + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    /** The first {@code "answer": "..."} after the example. */
    private static String documentedAnswer(String readme, int from) {
        Matcher answer = ANSWER.matcher(readme);
        assertTrue(answer.find(from), "README.md states the example's answer as \"answer\": \"...\"");
        return answer.group(1);
    }

    /** The body as curl sends it: each {@code '"$(base64 -w0 FILE)"'} replaced by FILE's base64. */
    private static String inlineImages(String body) throws IOException {
        Matcher m = INLINE_IMAGE.matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(m.group(1))));
            m.appendReplacement(out, Matcher.quoteReplacement(encoded));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Through the parser the HTTP and Kafka paths use, schema and option checks included. */
    private static InferenceRequest parse(String body) {
        RequestParser parser = new RequestParser(new RequestLimits(8, 8192, 1024));
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), "q1", Map.of()).request();
    }

    /** Words split at spaces, a '...' group being one word without its quotes (what the shell does here). */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    private static String value(List<String> args, String option) {
        int at = args.indexOf(option);
        assertTrue(at >= 0 && at + 1 < args.size(), "the command line has " + option);
        return args.get(at + 1);
    }
}
