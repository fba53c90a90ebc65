package dev.vscan.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.ContentPart;
import dev.vscan.model.text.LlavaPrompt;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InferenceRequest.Message;
import dev.vscan.wire.InferenceRequest.Part;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.MessageSchema;
import dev.vscan.wire.SchemaValidator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns the bytes of a request record into an {@link InferenceRequest} the workers can trust, or refuses
 * it with the {@link InvalidRequestException.Code} a client can act on. Checks run from the cheapest to
 * the most specific: JSON syntax, image count, the schema, the service's limits, the prompt's
 * placeholders (or the conversation's turns and image parts), then the consistency of the reduction options.
 *
 * <p>The request id comes from the body's {@code id}, else the {@value #REQUEST_ID_HEADER} header, else
 * the record key, else a random UUID. When the body and the header both carry one, the body wins and the
 * header is ignored: the body is what the schema checked and what the producer signed off. A header or key
 * that is used as the id must match the id pattern like a body id.
 */
public final class RequestParser {

    /** The header a producer may set instead of a body id; matched ignoring case. */
    public static final String REQUEST_ID_HEADER = "x-request-id";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ID_RULE = "1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'";

    /** A request that passed every check, with its resolved id. */
    public record ParsedRequest(String id, InferenceRequest request) {
        public ParsedRequest {
            if (id == null || request == null) {
                throw new IllegalArgumentException("a parsed request needs an id and a request");
            }
        }
    }

    private final RequestLimits limits;
    private final SchemaValidator schema = SchemaValidator.of(MessageSchema.INFERENCE_REQUEST);

    public RequestParser(RequestLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("request limits are required; use RequestLimits.defaults()");
        }
        this.limits = limits;
    }

    public RequestLimits limits() {
        return limits;
    }

    /**
     * Parses and checks one request record. The returned request carries the resolved id, a non-null (maybe
     * empty) image list and non-null options; its prompt is as sent (see {@link #placeholderPrompt}).
     *
     * @param payload   the record value
     * @param recordKey the record key, or null
     * @param headers   the record headers as UTF-8 text, or null
     * @throws InvalidRequestException when the request can never succeed
     */
    public ParsedRequest parse(byte[] payload, String recordKey, Map<String, String> headers) {
        JsonNode tree = parseJson(payload);
        checkImageCount(tree);
        checkSchema(tree);
        InferenceRequest body = bind(tree);
        String id = resolveId(body.id(), recordKey, headers);
        List<ImageInput> images = body.images() == null ? List.of() : List.copyOf(body.images());
        RequestOptions options = body.options() == null ? RequestOptions.defaults() : body.options();
        if (body.messages() != null) {
            checkMessages(body.messages(), images.size());
        } else {
            checkPrompt(body.prompt(), images.size());
        }
        checkOptions(options);
        return new ParsedRequest(id, new InferenceRequest(id, images, body.prompt(), options,
                body.messages() == null ? null : List.copyOf(body.messages())));
    }

    /**
     * The id to answer a refused request under: the first valid one of body id, header and record key, else
     * a random UUID. Never throws, whatever the payload.
     */
    public static String idForReply(byte[] payload, String recordKey, Map<String, String> headers) {
        try {
            JsonNode id = MessageJson.tree(payload).path("id");
            if (id.isTextual() && isValidId(id.asText())) {
                return id.asText();
            }
        } catch (RuntimeException notJson) {
            // fall through to the header and key
        }
        String header = header(headers, REQUEST_ID_HEADER);
        if (isValidId(header)) {
            return header;
        }
        return isValidId(recordKey) ? recordKey : UUID.randomUUID().toString();
    }

    /** True for 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The prompt with its image placeholders: unchanged when it has any, else one {@code "<image>\n"} per image
     * in front, which is where the LLaVA-1.5 template puts images. Wrapped by
     * {@link LlavaPrompt#forPrompt}, a plain question gives exactly {@link LlavaPrompt#forImages}.
     */
    public static String placeholderPrompt(String prompt, int images) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        if (images < 0) {
            throw new IllegalArgumentException("images must be >= 0, got " + images);
        }
        if (prompt.contains(LlavaPrompt.IMAGE_PLACEHOLDER)) {
            return prompt;
        }
        return (LlavaPrompt.IMAGE_PLACEHOLDER + "\n").repeat(images) + prompt;
    }

    /**
     * The prompt as one user turn of a conversation: its images as image parts before the text when it has
     * no placeholders (where LLaVA's and Qwen's templates put them), else its text alone, the placeholders
     * where the user put them. Rendered by the built-in vicuna prompt, either gives
     * {@link LlavaPrompt#forPrompt LlavaPrompt.forPrompt}({@link #placeholderPrompt placeholderPrompt(prompt, images)}).
     */
    public static ChatMessage userTurn(String prompt, int images) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        return prompt.contains(LlavaPrompt.IMAGE_PLACEHOLDER) ? ChatMessage.user(prompt) : ChatMessage.user(images, prompt);
    }

    /**
     * The conversation the model renders: the request's messages, or its prompt as one user turn
     * ({@link #userTurn}).
     */
    public static List<ChatMessage> conversation(InferenceRequest request) {
        return conversation(request, request.images() == null ? 0 : request.images().size());
    }

    /** The conversation of a request whose prompt goes with {@code images} images. */
    public static List<ChatMessage> conversation(InferenceRequest request, int images) {
        if (request.messages() == null) {
            return List.of(userTurn(request.prompt(), images));
        }
        List<ChatMessage> turns = new ArrayList<>();
        for (Message m : request.messages()) {
            List<ContentPart> parts = new ArrayList<>();
            for (Part p : m.content()) {
                parts.add(Part.IMAGE.equals(p.type()) ? new ContentPart.Image() : new ContentPart.Text(p.text()));
            }
            turns.add(new ChatMessage(m.role(), parts));
        }
        return turns;
    }

    /** How many {@code <image>} placeholders {@code prompt} holds (non-overlapping). */
    public static int countPlaceholders(String prompt) {
        int count = 0;
        int at = prompt.indexOf(LlavaPrompt.IMAGE_PLACEHOLDER);
        while (at >= 0) {
            count++;
            at = prompt.indexOf(LlavaPrompt.IMAGE_PLACEHOLDER, at + LlavaPrompt.IMAGE_PLACEHOLDER.length());
        }
        return count;
    }

    private static JsonNode parseJson(byte[] payload) {
        if (payload == null) {
            throw new InvalidRequestException(Code.MALFORMED_JSON, "request is not valid JSON: the record has no value");
        }
        try {
            return MessageJson.tree(payload);
        } catch (UncheckedIOException e) {
            throw new InvalidRequestException(Code.MALFORMED_JSON, "request is not valid JSON: " + e.getCause().getMessage(), e);
        }
    }

    /** Before the schema, so that any count over the limit gets the same code and a huge array is not walked. */
    private void checkImageCount(JsonNode tree) {
        JsonNode images = tree.path("images");
        if (images.isArray() && images.size() > limits.maxImages()) {
            throw new InvalidRequestException(Code.TOO_MANY_IMAGES, "request has " + plural(images.size(), "image")
                    + "; the limit is " + limits.maxImages());
        }
    }

    /**
     * Violations only inside {@code options} are {@code INVALID_OPTIONS} (e.g. an unknown reduction name);
     * any other violation makes the whole list a {@code SCHEMA_VIOLATION}.
     */
    private void checkSchema(JsonNode tree) {
        List<String> violations = schema.validate(tree);
        if (violations.isEmpty()) {
            return;
        }
        boolean onlyOptions = violations.stream().allMatch(v -> v.startsWith("/options/") || v.startsWith("/options:"));
        String joined = String.join("; ", violations);
        throw onlyOptions
                ? new InvalidRequestException(Code.INVALID_OPTIONS, "request options are not valid: " + joined)
                : new InvalidRequestException(Code.SCHEMA_VIOLATION, "request does not match the schema: " + joined);
    }

    private static InferenceRequest bind(JsonNode tree) {
        try {
            return MessageJson.mapper().treeToValue(tree, InferenceRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // the schema should have caught anything that does not bind; say so rather than fail obscurely
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION, "request cannot be read as an InferenceRequest: "
                    + e.getMessage(), e);
        }
    }

    private static String resolveId(String bodyId, String recordKey, Map<String, String> headers) {
        if (bodyId != null) {
            return bodyId; // the schema checked it
        }
        String header = header(headers, REQUEST_ID_HEADER);
        if (header != null && !header.isBlank()) {
            return checkedId(header, "header " + REQUEST_ID_HEADER, Code.INVALID_HEADER);
        }
        if (recordKey != null && !recordKey.isBlank()) {
            return checkedId(recordKey, "record key", Code.INVALID_KEY);
        }
        return UUID.randomUUID().toString();
    }

    private static String checkedId(String id, String source, Code code) {
        if (!isValidId(id)) {
            throw new InvalidRequestException(code, source + " '" + shorten(id)
                    + "' is used as the request id but is not a valid id: " + ID_RULE);
        }
        return id;
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    private void checkPrompt(String prompt, int images) {
        int chars = prompt.codePointCount(0, prompt.length());
        if (chars > limits.maxPromptChars()) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION, "/prompt: has " + chars
                    + " characters; the limit is " + limits.maxPromptChars());
        }
        int placeholders = countPlaceholders(prompt);
        if (placeholders != 0 && placeholders != images) {
            throw new InvalidRequestException(Code.PROMPT_MISMATCH, "/prompt: has " + plural(placeholders,
                    LlavaPrompt.IMAGE_PLACEHOLDER + " placeholder") + " but the request has " + plural(images, "image")
                    + "; put one placeholder per image, or none to place the images first");
        }
    }

    /** The schema checked roles and part shapes; here what depends on the whole conversation and the limits. */
    private void checkMessages(List<Message> messages, int images) {
        int chars = 0;
        int imageParts = 0;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            for (Part p : m.content()) {
                if (Part.IMAGE.equals(p.type())) {
                    if (!ChatMessage.USER.equals(m.role())) {
                        throw new InvalidRequestException(Code.INVALID_MESSAGES, "/messages/" + i + ": a " + m.role()
                                + " turn has an image part; images go in user turns");
                    }
                    imageParts++;
                } else {
                    chars += p.text().codePointCount(0, p.text().length());
                    if (p.text().contains(LlavaPrompt.IMAGE_PLACEHOLDER)) {
                        throw new InvalidRequestException(Code.PROMPT_MISMATCH, "/messages/" + i + ": a text part holds "
                                + LlavaPrompt.IMAGE_PLACEHOLDER + "; in messages an image is an image part");
                    }
                }
            }
        }
        if (chars > limits.maxPromptChars()) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION, "/messages: the text parts have " + chars
                    + " characters; the limit is " + limits.maxPromptChars());
        }
        if (imageParts != images) {
            throw new InvalidRequestException(Code.PROMPT_MISMATCH, "/messages: " + plural(imageParts, "image part")
                    + " but the request has " + plural(images, "image") + "; put one image part per image");
        }
        String last = messages.get(messages.size() - 1).role();
        if (!ChatMessage.USER.equals(last)) {
            throw new InvalidRequestException(Code.INVALID_MESSAGES, "/messages: the conversation ends with a " + last
                    + " turn; it must end with a user turn for the model to answer");
        }
    }

    private void checkOptions(RequestOptions options) {
        List<String> problems = new ArrayList<>();
        if (options.maxNewTokens() != null && options.maxNewTokens() > limits.maxNewTokens()) {
            problems.add("max_new_tokens " + options.maxNewTokens() + " exceeds this service's limit of "
                    + limits.maxNewTokens());
        }
        if (options.temperature() != null && !Double.isFinite(options.temperature())) {
            problems.add("temperature must be a finite number >= 0, got " + options.temperature());
        }
        try {
            OptionsTranslator.reduction(options);
        } catch (InvalidRequestException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(Code.INVALID_OPTIONS, "/options: " + String.join("; ", problems));
        }
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
