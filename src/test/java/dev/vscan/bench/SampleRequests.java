package dev.vscan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small requests in the wire format, made from the held-out samples (samples/questions.json): one
 * 112x112 PNG inline and the short question about it, with a bounded answer. Bodies cycle through the
 * one-image samples; only the id changes from one request to the next.
 */
final class SampleRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each sample's body after its id, e.g. {@code "images":[...],"prompt":"...","options":{...}}. */
    private final List<String> tails;
    private final AtomicLong next = new AtomicLong();

    private SampleRequests(List<String> tails) {
        this.tails = List.copyOf(tails);
    }

    static SampleRequests load(Path samples, int maxNewTokens) throws IOException {
        List<String> tails = new ArrayList<>();
        for (JsonNode q : JSON.readTree(samples.resolve("questions.json").toFile())) {
            if (q.get("images").size() != 1) {
                continue;
            }
            byte[] png = Files.readAllBytes(samples.resolve(q.get("images").get(0).asText()));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("images", List.of(Map.of("data", Base64.getEncoder().encodeToString(png))));
            body.put("prompt", q.get("question").asText());
            body.put("options", Map.of("max_new_tokens", maxNewTokens));
            String json = JSON.writeValueAsString(body);
            tails.add(json.substring(1)); // without the opening brace: the id goes first
        }
        if (tails.isEmpty()) {
            throw new IOException("no one-image sample in " + samples.resolve("questions.json"));
        }
        return new SampleRequests(tails);
    }

    /** The next sample's body with this id. */
    byte[] body(String id) {
        String tail = tails.get((int) (next.getAndIncrement() % tails.size()));
        return ("{\"id\":\"" + id + "\"," + tail).getBytes(StandardCharsets.UTF_8);
    }

    int size() {
        return tails.size();
    }

    int bytes() {
        return body("x").length;
    }
}
