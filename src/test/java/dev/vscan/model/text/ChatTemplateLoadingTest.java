package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a checkpoint keeps its chat template, and what happens when it has none or a broken one. */
class ChatTemplateLoadingTest {

    private static final String ROLES = "{% for m in messages %}{{ m['role'] }};{% endfor %}";
    private static final List<ChatMessage> ONE_TURN = List.of(ChatMessage.user(1, "q"));

    @TempDir
    Path dir;

    @Test
    void fromChatTemplateJson() throws IOException {
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", "json:" + ROLES));
        ChatTemplate template = ChatTemplate.load(dir).orElseThrow();
        assertEquals("json:user;", template.render(ONE_TURN));
        assertEquals(dir.resolve("chat_template.json").toString(), template.origin());
    }

    @Test
    void fromChatTemplateJinjaAsTransformers5WritesIt() throws IOException {
        // A file's final newline is not part of the prompt (keep_trailing_newline=False).
        Files.writeString(dir.resolve(ChatTemplate.JINJA_FILE),
                "{%- for m in messages %}\n    {{- m['role'] + '\\n' }}\n{%- endfor %}\n");
        assertEquals("user\n", ChatTemplate.load(dir).orElseThrow().render(ONE_TURN));
    }

    @Test
    void fromTokenizerConfigWithItsSpecialTokens() throws IOException {
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of(
                "chat_template", "{{ bos_token }}" + ROLES + "{{ eos_token }}",
                "bos_token", Map.of("__type", "AddedToken", "content", "<s>", "lstrip", false),
                "eos_token", "</s>",
                "unk_token", "<unk>"));
        ChatTemplate template = ChatTemplate.load(dir).orElseThrow();
        assertEquals(new SpecialTokens("<s>", "</s>", null, "<unk>"), template.tokens());
        String prompt = template.render(ONE_TURN);
        assertEquals("<s>user;</s>", prompt);
        // The template wrote the BOS token, so the tokenizer must not add another.
        assertFalse(template.addSpecialTokens(prompt));
        assertTrue(template.addSpecialTokens("user;"));
    }

    @Test
    void theDefaultOfNamedTemplates() throws IOException {
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of("chat_template", List.of(
                Map.of("name", "tool_use", "template", "tools"),
                Map.of("name", "default", "template", "default:" + ROLES))));
        assertEquals("default:user;", ChatTemplate.load(dir).orElseThrow().render(ONE_TURN));
    }

    @Test
    void namedTemplatesWithoutADefaultAreRefused() throws IOException {
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of("chat_template", List.of(
                Map.of("name", "tool_use", "template", "tools"), Map.of("name", "rag", "template", "rag"))));
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        assertEquals(dir.resolve("tokenizer_config.json") + " has chat templates [tool_use, rag] but none named"
                + " \"default\"", e.getMessage());
    }

    @Test
    void theJinjaFileWinsOverTheJsonFilesAsInTransformers() throws IOException {
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of("chat_template", "tokenizer", "bos_token", "<s>"));
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", "processor"));
        assertEquals("processor", ChatTemplate.load(dir).orElseThrow().render(ONE_TURN));
        Files.writeString(dir.resolve(ChatTemplate.JINJA_FILE), "jinja{{ bos_token }}");
        // The special tokens come from tokenizer_config.json whichever file holds the template.
        assertEquals("jinja<s>", ChatTemplate.load(dir).orElseThrow().render(ONE_TURN));
    }

    @Test
    void withoutATemplateTheBuiltInPromptOfTheTextModel() throws IOException {
        assertTrue(ChatTemplate.load(dir).isEmpty());
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertTrue(ChatTemplate.load(dir).isEmpty());
        assertSame(PromptTemplate.VICUNA, PromptFormat.forCheckpoint(dir, "llama"));
        assertSame(PromptTemplate.MISTRAL, PromptFormat.forCheckpoint(dir, "mistral"));
        assertThrows(IllegalArgumentException.class, () -> PromptFormat.forCheckpoint(dir, "qwen2"));
    }

    @Test
    void aCheckpointsTemplateIsUsedWhateverItsTextModel() throws IOException {
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", ROLES));
        PromptFormat format = PromptFormat.forCheckpoint(dir, "qwen2");
        assertTrue(format instanceof ChatTemplate);
        assertEquals("user;", format.forImages(2, "q"));
    }

    @Test
    void aTemplateThatDoesNotParseNamesItsFile() throws IOException {
        Files.writeString(dir.resolve(ChatTemplate.JINJA_FILE), "{% for m in messages %}{{ m['role'] }}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> PromptFormat.forCheckpoint(dir, "llama"));
        assertTrue(e.getMessage().startsWith("chat template " + dir.resolve("chat_template.jinja") + " does not parse: "),
                e.getMessage());
    }

    @Test
    void aTemplateThatFailsToRenderNamesItsFile() throws IOException {
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", "{{ no_such_function() }}"));
        ChatTemplate template = ChatTemplate.load(dir).orElseThrow();
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> template.render(ONE_TURN));
        assertEquals("chat template " + dir.resolve("chat_template.json")
                + " failed to render: Could not resolve function 'no_such_function' (line 1)", e.getMessage());
    }

    @Test
    void filesOfTheWrongShapeAreRefused() throws IOException {
        write(ChatTemplate.JSON_FILE, Map.of("processor_class", "LlavaProcessor"));
        assertEquals(dir.resolve("chat_template.json") + " has no \"chat_template\"",
                assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir)).getMessage());
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", 42));
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
        write(ChatTemplate.JSON_FILE, Map.of("chat_template", " "));
        assertEquals(dir.resolve("chat_template.json") + ": the chat template is empty",
                assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir)).getMessage());
        Files.writeString(dir.resolve(ChatTemplate.JSON_FILE), "{\"chat_template\": ");
        assertTrue(assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir)).getMessage()
                .startsWith("cannot read " + dir.resolve("chat_template.json")));
        Files.delete(dir.resolve(ChatTemplate.JSON_FILE));
        write(ChatTemplate.TOKENIZER_CONFIG_FILE, Map.of("chat_template", "x", "bos_token", List.of("<s>")));
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.load(dir));
    }

    private void write(String file, Map<String, ?> json) throws IOException {
        new ObjectMapper().writeValue(dir.resolve(file).toFile(), json);
    }
}
