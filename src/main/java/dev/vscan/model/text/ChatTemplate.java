package dev.vscan.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint's own Jinja chat template, rendered as transformers' {@code apply_chat_template} renders it
 * (Jinjava set up in {@link JinjaEnvironment}). The template sees:
 * <ul>
 * <li>{@code messages}: one map per message with {@code "role"} and {@code "content"}; the content is a list
 * of {@code {"type": "text", "text": …}} and {@code {"type": "image"}} maps ({@link ContentForm#PARTS}, what
 * LLaVA and Qwen-VL processors are given) or, for templates that take {@code message['content']} as a
 * string, the message's text ({@link ContentForm#TEXT});
 * <li>{@code add_generation_prompt}; {@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token} where tokenizer_config.json sets them;
 * <li>{@code raise_exception(message)}, which refuses the conversation with a {@link ChatTemplateException}.
 * </ul>
 */
public final class ChatTemplate implements PromptFormat {

    /** transformers 5 (and 4.5x) writes the template as plain Jinja here. */
    public static final String JINJA_FILE = "chat_template.jinja";
    /** The processor's template, older checkpoints: {@code {"chat_template": "…"}}. */
    public static final String JSON_FILE = "chat_template.json";
    /** The tokenizer's template ({@code "chat_template"}) and the special tokens. */
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";

    /** How a message's content reaches the template. */
    public enum ContentForm {
        /** A list of typed parts, as LLaVA and Qwen-VL processors pass it. */
        PARTS,
        /** The message's text as one string, for text-only templates; a message with images is refused. */
        TEXT
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String normalized;
    private final String origin;
    private final SpecialTokens tokens;
    private final ContentForm contentForm;

    /**
     * A template from its source; {@code origin} names where it came from in errors (a file path).
     *
     * @throws ChatTemplateException if the template does not parse
     */
    public ChatTemplate(String source, String origin, SpecialTokens tokens) {
        this(source, origin, tokens, ContentForm.PARTS);
        List<String> errors = failures(JinjaEnvironment.parse(normalized));
        if (!errors.isEmpty()) {
            throw new ChatTemplateException("chat template " + origin + " does not parse: " + String.join("; ", errors));
        }
    }

    private ChatTemplate(String source, String origin, SpecialTokens tokens, ContentForm contentForm) {
        if (source == null || origin == null || tokens == null || contentForm == null) {
            throw new IllegalArgumentException("source, origin, tokens and contentForm must not be null");
        }
        this.source = source;
        try {
            this.normalized = JinjaSource.rewrite(source);
        } catch (IllegalArgumentException e) {
            throw new ChatTemplateException("chat template " + origin + " does not parse: " + e.getMessage(), e);
        }
        this.origin = origin;
        this.tokens = tokens;
        this.contentForm = contentForm;
    }

    /**
     * The checkpoint's chat template, looked up as transformers does: {@value #JINJA_FILE}, else
     * {@value #JSON_FILE} ({@code "chat_template"}), else {@value #TOKENIZER_CONFIG_FILE}'s
     * {@code "chat_template"} (a string, or a list of {@code {"name", "template"}} whose {@code "default"} is
     * used); the special tokens always come from tokenizer_config.json. Empty when no file has one.
     *
     * @throws ChatTemplateException if a file is unreadable, its template is of the wrong shape or empty, or
     *     the template does not parse
     */
    public static Optional<ChatTemplate> load(Path checkpointDir) {
        Path tokenizerConfigFile = checkpointDir.resolve(TOKENIZER_CONFIG_FILE);
        JsonNode tokenizerConfig = Files.isRegularFile(tokenizerConfigFile) ? readJson(tokenizerConfigFile) : null;
        SpecialTokens tokens = tokenizerConfig == null ? SpecialTokens.NONE
                : SpecialTokens.from(tokenizerConfig, tokenizerConfigFile);
        Path jinja = checkpointDir.resolve(JINJA_FILE);
        if (Files.isRegularFile(jinja)) {
            return Optional.of(fromFile(readString(jinja), jinja, tokens));
        }
        Path json = checkpointDir.resolve(JSON_FILE);
        if (Files.isRegularFile(json)) {
            JsonNode template = readJson(json).get("chat_template");
            if (template == null || template.isNull()) {
                throw new ChatTemplateException(json + " has no \"chat_template\"");
            }
            return Optional.of(fromFile(templateText(template, json), json, tokens));
        }
        JsonNode template = tokenizerConfig == null ? null : tokenizerConfig.get("chat_template");
        if (template == null || template.isNull()) {
            return Optional.empty();
        }
        return Optional.of(fromFile(templateText(template, tokenizerConfigFile), tokenizerConfigFile, tokens));
    }

    /** The same template, its messages' content passed in the given form. */
    public ChatTemplate withContentForm(ContentForm form) {
        return new ChatTemplate(source, origin, tokens, form);
    }

    /** The prompt for {@code messages} with the generation prompt ({@code add_generation_prompt=True}). */
    @Override
    public String render(List<ChatMessage> messages) {
        return render(messages, true);
    }

    /**
     * The prompt for {@code messages}, with or without the template's generation prompt.
     *
     * @throws ChatTemplateException naming the template's file if rendering fails or the template raises
     * @throws IllegalArgumentException if a message has images and the content form is {@link ContentForm#TEXT}
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages == null) {
            throw new IllegalArgumentException("messages must not be null");
        }
        Map<String, Object> variables = new HashMap<>(tokens.variables());
        variables.put("messages", templateMessages(messages));
        variables.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = JinjaEnvironment.render(normalized, variables);
        for (TemplateError error : result.getErrors()) {
            TemplateFailure raised = failure(error);
            if (raised != null && raised.raisedByTemplate()) {
                throw new ChatTemplateException("chat template " + origin + " refused the conversation: "
                        + raised.getMessage());
            }
        }
        List<String> errors = failures(result.getErrors());
        if (!errors.isEmpty()) {
            throw new ChatTemplateException("chat template " + origin + " failed to render: " + String.join("; ", errors));
        }
        return result.getOutput();
    }

    /** False when the rendered prompt already starts with the BOS token, so the tokenizer must not add another. */
    @Override
    public boolean addSpecialTokens(String renderedPrompt) {
        return tokens.bos() == null || tokens.bos().isEmpty() || !renderedPrompt.startsWith(tokens.bos());
    }

    /** The template as the file gives it. */
    public String source() {
        return source;
    }

    /** Where the template came from (a file path), as errors name it. */
    public String origin() {
        return origin;
    }

    public SpecialTokens tokens() {
        return tokens;
    }

    public ContentForm contentForm() {
        return contentForm;
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + origin + "]";
    }

    private List<Map<String, Object>> templateMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", message.role());
            map.put("content", contentForm == ContentForm.PARTS ? parts(message) : text(message));
            // Unmodifiable, as in transformers' sandbox: a template cannot change the caller's conversation.
            out.add(Collections.unmodifiableMap(map));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Map<String, Object>> parts(ChatMessage message) {
        List<Map<String, Object>> parts = new ArrayList<>(message.parts().size());
        for (ContentPart part : message.parts()) {
            Map<String, Object> map = new LinkedHashMap<>();
            if (part instanceof ContentPart.Text text) {
                map.put("type", "text");
                map.put("text", text.text());
            } else {
                map.put("type", "image");
            }
            parts.add(Collections.unmodifiableMap(map));
        }
        return Collections.unmodifiableList(parts);
    }

    private static String text(ChatMessage message) {
        if (message.imageCount() > 0) {
            throw new IllegalArgumentException("a " + message.role() + " message with images cannot be passed as"
                    + " plain text (content form TEXT)");
        }
        return message.text();
    }

    private static ChatTemplate fromFile(String source, Path file, SpecialTokens tokens) {
        if (source.isBlank()) {
            throw new ChatTemplateException(file + ": the chat template is empty");
        }
        return new ChatTemplate(source, file.toString(), tokens);
    }

    private static String templateText(JsonNode template, Path file) {
        if (template.isTextual()) {
            return template.asText();
        }
        if (template.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode named : template) {
                JsonNode name = named.get("name");
                JsonNode text = named.get("template");
                if (name == null || !name.isTextual() || text == null || !text.isTextual()) {
                    throw new ChatTemplateException(file + ": each named chat template needs a string \"name\""
                            + " and \"template\"");
                }
                if (name.asText().equals("default")) {
                    return text.asText();
                }
                names.add(name.asText());
            }
            throw new ChatTemplateException(file + " has chat templates " + names + " but none named \"default\"");
        }
        throw new ChatTemplateException(file + ": \"chat_template\" is neither a string nor a list of"
                + " {\"name\", \"template\"}");
    }

    private static List<String> failures(List<TemplateError> errors) {
        List<String> messages = new ArrayList<>();
        for (TemplateError error : errors) {
            if (JinjaEnvironment.isFailure(error)) {
                TemplateFailure misuse = failure(error);
                String message = misuse != null ? misuse.getMessage() : firstLine(error.getMessage());
                messages.add(message + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
            }
        }
        return messages;
    }

    // Jinjava appends the originating exception on further lines.
    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Our own failure behind a Jinjava error, if it is one. */
    private static TemplateFailure failure(TemplateError error) {
        for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
            if (cause instanceof TemplateFailure failure) {
                return failure;
            }
        }
        return null;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ChatTemplateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ChatTemplateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
