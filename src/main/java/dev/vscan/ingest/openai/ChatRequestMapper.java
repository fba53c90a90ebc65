package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InferenceRequest.Message;
import dev.vscan.wire.InferenceRequest.Part;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat completion request as a wire request: the messages become a conversation whose image
 * parts take the images in order ({@code data:} URLs inline, http(s) URLs for the worker to fetch under its
 * policy), the sampling parameters become options, and the {@code vscan} extension names the reduction
 * (the model's default without it). What this service cannot honour is refused with the parameter named,
 * rather than ignored: a client should not believe it got what it asked for.
 */
public final class ChatRequestMapper {

    /** What the ingest needs besides the wire request: how to answer. */
    public record ChatRequest(String model, boolean stream, boolean includeUsage, InferenceRequest wire) {}

    private static final int MAX_STOP_STRINGS = 4;

    /** Parameters that change nothing here, accepted so that ordinary clients pass. */
    private static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier",
            "parallel_tool_calls");

    /** Parameters accepted only at the value that means "off". */
    private static final Set<String> OFF_ONLY = Set.of("frequency_penalty", "presence_penalty", "logprobs",
            "top_logprobs", "logit_bias", "tools", "tool_choice", "functions", "function_call", "response_format",
            "modalities", "audio", "prediction", "reasoning_effort", "web_search_options");

    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "seed", "stop", "n", "stream", "stream_options", "vscan");

    private static final Map<String, String> VSCAN_OPTIONS = Map.of("method", "reduction", "budget", "budget",
            "r1", "r1", "r2", "r2", "layer", "layer", "fraction", "fraction", "positions", "positions",
            "r1_ratio", "r1_ratio", "r2_ratio", "r2_ratio");

    private final String servedModel;

    public ChatRequestMapper(String servedModel) {
        this.servedModel = servedModel;
    }

    /**
     * @param id the request id the wire request gets (chatcmpl-...)
     * @throws OpenAiError 400 naming the parameter, or 404 for a model this service does not serve
     */
    public ChatRequest map(JsonNode body, String id) {
        if (body == null || !body.isObject()) {
            throw OpenAiError.invalid(null, "invalid_json", "the request body must be a JSON object");
        }
        checkParameters(body);
        String model = model(body.get("model"));
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = streamOptions(body.get("stream_options"), stream);
        checkN(body.get("n"));
        List<ImageInput> images = new ArrayList<>();
        List<Message> messages = messages(body.get("messages"), images);
        RequestOptions options = options(body, stream);
        return new ChatRequest(model, stream, includeUsage, new InferenceRequest(id, images, null, options, messages));
    }

    private void checkParameters(JsonNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (KNOWN.contains(name) || IGNORED.contains(name)) {
                continue;
            }
            if (OFF_ONLY.contains(name)) {
                if (!isOff(name, field.getValue())) {
                    throw OpenAiError.invalid(name, "unsupported_parameter", "'" + name
                            + "' is not supported by this service; leave it out");
                }
                continue;
            }
            throw OpenAiError.invalid(name, "unknown_parameter", "unrecognized request argument: '" + name + "'");
        }
    }

    private static boolean isOff(String name, JsonNode value) {
        if (value.isNull()) {
            return true;
        }
        return switch (name) {
            case "frequency_penalty", "presence_penalty" -> value.isNumber() && value.asDouble() == 0;
            case "logprobs" -> value.isBoolean() && !value.asBoolean();
            case "logit_bias", "tools", "functions" -> value.isContainerNode() && value.isEmpty();
            case "tool_choice", "function_call" -> "none".equals(value.asText());
            case "response_format" -> "text".equals(value.path("type").asText());
            case "modalities" -> value.isArray() && value.size() == 1 && "text".equals(value.get(0).asText());
            default -> false;
        };
    }

    private String model(JsonNode model) {
        if (model == null || model.isNull()) {
            return servedModel;
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw OpenAiError.invalid("model", "invalid_type", "'model' must be the name of a model (GET /v1/models)");
        }
        if (!model.asText().equals(servedModel)) {
            throw OpenAiError.unknownModel(model.asText(), servedModel);
        }
        return servedModel;
    }

    private static boolean streamOptions(JsonNode options, boolean stream) {
        if (options == null || options.isNull()) {
            return false;
        }
        if (!stream) {
            throw OpenAiError.invalid("stream_options", "invalid_value",
                    "'stream_options' is only allowed when 'stream' is true");
        }
        if (!options.isObject()) {
            throw OpenAiError.invalid("stream_options", "invalid_type", "'stream_options' must be an object");
        }
        return bool(options, "include_usage", false, "stream_options.include_usage");
    }

    private static void checkN(JsonNode n) {
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.canConvertToExactIntegral() || n.asInt() != 1) {
            throw OpenAiError.invalid("n", "unsupported_value", "only n=1 is supported: this service returns one"
                    + " choice per request; send several requests for several answers");
        }
    }

    private static List<Message> messages(JsonNode messages, List<ImageInput> images) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw OpenAiError.invalid("messages", "invalid_value", "'messages' must be a non-empty array");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw OpenAiError.invalid(at, "invalid_type", "each message must be an object");
            }
            String role = role(m.get("role"), at);
            out.add(new Message(role, parts(m.get("content"), role, at, images)));
        }
        return out;
    }

    private static String role(JsonNode role, String at) {
        String name = role == null ? "" : role.asText();
        return switch (name) {
            case "system", "user", "assistant" -> name;
            // OpenAI's newer name for system instructions
            case "developer" -> "system";
            default -> throw OpenAiError.invalid(at + ".role", "invalid_value", "role '" + name
                    + "' is not supported; use system, developer, user or assistant (no tools here)");
        };
    }

    private static List<Part> parts(JsonNode content, String role, String at, List<ImageInput> images) {
        if (content != null && content.isTextual()) {
            return List.of(Part.text(content.asText()));
        }
        if (content == null || !content.isArray() || content.isEmpty()) {
            throw OpenAiError.invalid(at + ".content", "invalid_value",
                    "'content' must be a string or a non-empty array of content parts");
        }
        List<Part> parts = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String path = at + ".content[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!part.path("text").isTextual()) {
                        throw OpenAiError.invalid(path + ".text", "invalid_type", "a text part needs a string 'text'");
                    }
                    parts.add(Part.text(part.get("text").asText()));
                }
                case "image_url" -> {
                    if (!"user".equals(role)) {
                        throw OpenAiError.invalid(path, "invalid_value", "images go in user messages, not in a "
                                + role + " message");
                    }
                    images.add(image(part.get("image_url"), path + ".image_url"));
                    parts.add(Part.image());
                }
                default -> throw OpenAiError.invalid(path + ".type", "invalid_value", "content part type '" + type
                        + "' is not supported; use text or image_url");
            }
        }
        return parts;
    }

    /** {@code data:} URLs travel inline; http(s) URLs go to the worker, which fetches them under its URL policy. */
    private static ImageInput image(JsonNode imageUrl, String path) {
        JsonNode url = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl : imageUrl.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            throw OpenAiError.invalid(path + ".url", "invalid_value", "an image_url part needs a 'url'");
        }
        String text = url.asText().strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            return new ImageInput(text, null);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new ImageInput(null, text);
        }
        throw OpenAiError.invalid(path + ".url", "image_url_refused", "image URLs must be data:, http: or https:");
    }

    private RequestOptions options(JsonNode body, boolean stream) {
        Integer maxNew = maxTokens(body);
        Double temperature = number(body, "temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw OpenAiError.invalid("temperature", "invalid_value", "'temperature' must be within 0..2");
        }
        Double topP = number(body, "top_p");
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw OpenAiError.invalid("top_p", "invalid_value", "'top_p' must be within (0, 1]");
        }
        Long seed = integer(body.get("seed"), "seed");
        JsonNode vscan = body.get("vscan");
        Map<String, JsonNode> reduction = vscan(vscan);
        return new RequestOptions(maxNew, temperature, topP, seed, text(reduction.get("reduction"), "vscan.method"),
                intOf(reduction.get("budget"), "vscan.budget"), intOf(reduction.get("r1"), "vscan.r1"),
                intOf(reduction.get("r2"), "vscan.r2"), intOf(reduction.get("layer"), "vscan.layer"),
                text(reduction.get("positions"), "vscan.positions"), numberOf(reduction.get("r1_ratio"), "vscan.r1_ratio"),
                numberOf(reduction.get("r2_ratio"), "vscan.r2_ratio"), numberOf(reduction.get("fraction"), "vscan.fraction"),
                stream ? Boolean.TRUE : null, stop(body.get("stop")));
    }

    /** max_completion_tokens is the current name, max_tokens the older one; when both come they must agree. */
    private static Integer maxTokens(JsonNode body) {
        Long completion = integer(body.get("max_completion_tokens"), "max_completion_tokens");
        Long legacy = integer(body.get("max_tokens"), "max_tokens");
        if (completion != null && legacy != null && !completion.equals(legacy)) {
            throw OpenAiError.invalid("max_tokens", "invalid_value",
                    "'max_tokens' and 'max_completion_tokens' disagree; send one of them");
        }
        Long value = completion != null ? completion : legacy;
        if (value == null) {
            return null;
        }
        String name = completion != null ? "max_completion_tokens" : "max_tokens";
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw OpenAiError.invalid(name, "invalid_value", "'" + name + "' must be at least 1");
        }
        return value.intValue();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        if (stop.isTextual()) {
            strings.add(stop.asText());
        } else if (stop.isArray()) {
            stop.forEach(s -> strings.add(s.isTextual() ? s.asText() : null));
        }
        if (strings.isEmpty() || strings.size() > MAX_STOP_STRINGS || strings.contains(null)
                || strings.stream().anyMatch(String::isEmpty)) {
            throw OpenAiError.invalid("stop", "invalid_value",
                    "'stop' must be a non-empty string or an array of 1 to 4 non-empty strings");
        }
        return strings;
    }

    /** The vscan extension's fields, by their wire option names; unknown fields are refused. */
    private static Map<String, JsonNode> vscan(JsonNode vscan) {
        if (vscan == null || vscan.isNull()) {
            return Map.of();
        }
        if (!vscan.isObject()) {
            throw OpenAiError.invalid("vscan", "invalid_type", "'vscan' must be an object, e.g. {\"method\": \"vscan\","
                    + " \"budget\": 64}");
        }
        java.util.HashMap<String, JsonNode> out = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vscan.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String option = VSCAN_OPTIONS.get(field.getKey());
            if (option == null) {
                throw OpenAiError.invalid("vscan." + field.getKey(), "unknown_parameter", "unknown vscan option '"
                        + field.getKey() + "'; known: " + new java.util.TreeSet<>(VSCAN_OPTIONS.keySet()));
            }
            out.put(option, field.getValue());
        }
        return out;
    }

    private static boolean bool(JsonNode node, String name, boolean absent) {
        return bool(node, name, absent, name);
    }

    private static boolean bool(JsonNode node, String name, boolean absent, String param) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw OpenAiError.invalid(param, "invalid_type", "'" + param + "' must be true or false");
        }
        return value.asBoolean();
    }

    private static Double number(JsonNode body, String name) {
        return numberOf(body.get(name), name);
    }

    private static Double numberOf(JsonNode value, String param) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw OpenAiError.invalid(param, "invalid_type", "'" + param + "' must be a number");
        }
        return value.asDouble();
    }

    private static Long integer(JsonNode value, String param) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw OpenAiError.invalid(param, "invalid_type", "'" + param + "' must be an integer");
        }
        return value.asLong();
    }

    private static Integer intOf(JsonNode value, String param) {
        Long v = integer(value, param);
        if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            throw OpenAiError.invalid(param, "invalid_value", "'" + param + "' is out of range");
        }
        return v == null ? null : v.intValue();
    }

    private static String text(JsonNode value, String param) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw OpenAiError.invalid(param, "invalid_type", "'" + param + "' must be a string");
        }
        return value.asText();
    }
}
