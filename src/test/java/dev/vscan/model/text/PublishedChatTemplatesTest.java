package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published llava-hf and Qwen2-VL chat templates (src/test/resources/chat-templates), each loaded from a
 * checkpoint directory and rendered for the conversations a service sends. The expected prompts are what
 * transformers' apply_chat_template gives.
 */
class PublishedChatTemplatesTest {

    private static final List<ChatMessage> ONE_IMAGE = List.of(ChatMessage.user(1, "What is shown in this image?"));
    private static final List<ChatMessage> TWO_IMAGES = List.of(ChatMessage.user(2, "Which image is brighter?"));
    private static final List<ChatMessage> SYSTEM = List.of(
            ChatMessage.system("Answer in one word."),
            ChatMessage.user(1, "What colour is the circle?"));
    private static final List<ChatMessage> MULTI_TURN = List.of(
            ChatMessage.user(1, "What is shown?"),
            ChatMessage.assistant("A red circle."),
            ChatMessage.user("How many are there?"));

    @TempDir
    Path checkpoint;

    @Test
    void llavaNextMistral() throws Exception {
        ChatTemplate mistral = checkpointWith("llava-v1.6-mistral-7b-hf.json");
        assertEquals("[INST] <image>\nWhat is shown in this image? [/INST]", mistral.render(ONE_IMAGE));
        assertEquals("[INST] <image>\n<image>\nWhich image is brighter? [/INST]", mistral.render(TWO_IMAGES));
        assertEquals("<<SYS>>\nAnswer in one word.\n<</SYS>>\n\n[INST] <image>\nWhat colour is the circle? [/INST]",
                mistral.render(SYSTEM));
        assertEquals("[INST] <image>\nWhat is shown? [/INST] A red circle.</s> [INST] How many are there? [/INST]",
                mistral.render(MULTI_TURN));
    }

    @Test
    void theEarlierMistralRevisionPrintsItsEscapedEndOfTurn() throws Exception {
        // '<\\s> ' in the template is a backslash and "s", as Jinja reads the string literal.
        assertEquals("[INST] <image>\nWhat is shown? [/INST] A red circle.<\\s> [INST] How many are there? [/INST]",
                checkpointWith("llava-v1.6-mistral-7b-hf-earlier.json").render(MULTI_TURN));
    }

    @Test
    void mistralRefusesOtherRolesThroughRaiseException() throws Exception {
        ChatTemplate mistral = checkpointWith("llava-v1.6-mistral-7b-hf.json");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> mistral.render(List.of(new ChatMessage("tool", List.of(ContentPart.text("42"))))));
        assertEquals("chat template " + checkpoint.resolve("chat_template.json")
                + " refused the conversation: Only user and assistant roles are supported!", e.getMessage());
    }

    @Test
    void llavaNextVicuna() throws Exception {
        ChatTemplate vicuna = checkpointWith("llava-v1.6-vicuna-7b-hf.json");
        assertEquals("USER: <image>\nWhat is shown in this image? ASSISTANT:", vicuna.render(ONE_IMAGE));
        assertEquals("USER: <image>\n<image>\nWhich image is brighter? ASSISTANT:", vicuna.render(TWO_IMAGES));
        // The system text goes first with no role in front, as LLaVA-1.5's own conversation format has it.
        assertEquals("Answer in one word. USER: <image>\nWhat colour is the circle? ASSISTANT:", vicuna.render(SYSTEM));
        // The assistant's text is inside {% generation %}, which renders as its body.
        assertEquals("USER: <image>\nWhat is shown? ASSISTANT: A red circle. USER: How many are there? ASSISTANT:",
                vicuna.render(MULTI_TURN));
        assertEquals("USER: <image>\nWhat is shown in this image? ", vicuna.render(ONE_IMAGE, false));
    }

    @Test
    void qwenVl() throws Exception {
        ChatTemplate qwen = checkpointWith("qwen2-vl-instruct.json");
        String defaultSystem = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n";
        String image = "<|vision_start|><|image_pad|><|vision_end|>";
        assertEquals(defaultSystem + "<|im_start|>user\n" + image + "What is shown in this image?<|im_end|>\n"
                + "<|im_start|>assistant\n", qwen.render(ONE_IMAGE));
        assertEquals(defaultSystem + "<|im_start|>user\n" + image + image + "Which image is brighter?<|im_end|>\n"
                + "<|im_start|>assistant\n", qwen.render(TWO_IMAGES));
        assertEquals("<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\n" + image
                + "What colour is the circle?<|im_end|>\n<|im_start|>assistant\n", qwen.render(SYSTEM));
        assertEquals(defaultSystem + "<|im_start|>user\n" + image + "What is shown?<|im_end|>\n"
                + "<|im_start|>assistant\nA red circle.<|im_end|>\n"
                + "<|im_start|>user\nHow many are there?<|im_end|>\n<|im_start|>assistant\n", qwen.render(MULTI_TURN));
    }

    @Test
    void qwenTakesPlainStringContentToo() throws Exception {
        ChatTemplate qwen = checkpointWith("qwen2-vl-instruct.json").withContentForm(ChatTemplate.ContentForm.TEXT);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n"
                + "<|im_start|>assistant\n", qwen.render(List.of(ChatMessage.user("Hello"))));
        assertThrows(IllegalArgumentException.class, () -> qwen.render(ONE_IMAGE));
    }

    @Test
    void theSharedQwenFixturesPromptIsTheTemplates() throws Exception {
        Path fixture = Path.of(System.getProperty("shared.fixtures", "/work/shared/fixtures"), "qwen2_5_vl-reference");
        assumeTrue(Files.isRegularFile(fixture.resolve("expected.json")), "no shared Qwen2.5-VL fixture here");
        String expected = new ObjectMapper().readTree(fixture.resolve("expected.json").toFile()).get("prompt").asText();
        ChatTemplate qwen = ChatTemplate.load(fixture).orElseThrow();
        assertEquals(expected, qwen.forImages(1, "what colour is the big circle ?"));
        // Qwen has no BOS token, so its tokenizer adds nothing either way.
        assertEquals(null, qwen.tokens().bos());
    }

    @Test
    void theBuiltInPromptsAreThePublishedTemplates() throws Exception {
        ChatTemplate mistral = checkpointWith("llava-v1.6-mistral-7b-hf.json");
        ChatTemplate vicuna = checkpointWith("llava-v1.6-vicuna-7b-hf.json");
        for (List<ChatMessage> conversation : List.of(ONE_IMAGE, TWO_IMAGES, SYSTEM, MULTI_TURN)) {
            assertEquals(mistral.render(conversation), PromptTemplate.MISTRAL.render(conversation));
            assertEquals(vicuna.render(conversation), PromptTemplate.VICUNA.render(conversation));
        }
        assertEquals(vicuna.forPrompt("compare <image> with <image>"),
                PromptTemplate.VICUNA.forPrompt("compare <image> with <image>"));
    }

    private ChatTemplate checkpointWith(String resource) throws IOException, URISyntaxException {
        Path source = Path.of(getClass().getResource("/chat-templates/" + resource).toURI());
        Files.copy(source, checkpoint.resolve(ChatTemplate.JSON_FILE), StandardCopyOption.REPLACE_EXISTING);
        return ChatTemplate.load(checkpoint).orElseThrow();
    }
}
