package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in prompts of the text models LLaVA checkpoints use, for checkpoints without a chat template
 * (PublishedChatTemplatesTest checks that they equal the published templates).
 */
class PromptTemplateTest {

    @Test
    void vicunaIsLlava15sTemplate() {
        assertEquals("USER: <image>\n<image>\nwhich is larger ? ASSISTANT:",
                PromptTemplate.VICUNA.forImages(2, "which is larger ?"));
        assertEquals(LlavaPrompt.forImages(1, "q"), PromptTemplate.VICUNA.forImages(1, "q"));
    }

    @Test
    void mistralWrapsTheTurnInInstTags() {
        assertEquals("[INST] <image>\nwhat is shown ? [/INST]", PromptTemplate.MISTRAL.forImages(1, "what is shown ?"));
        assertEquals("[INST] a <image> b [/INST]", PromptTemplate.MISTRAL.forPrompt("a <image> b"));
    }

    @Test
    void theTemplateFollowsTheTextModel() {
        assertEquals(PromptTemplate.VICUNA, PromptTemplate.forTextModel("llama"));
        assertEquals(PromptTemplate.MISTRAL, PromptTemplate.forTextModel("mistral"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.forTextModel("qwen2"));
        assertEquals("no prompt template for a 'qwen2' text model; supported: llama, mistral", e.getMessage());
    }

    @Test
    void conversationsWithSystemAndAssistantTurns() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("Be brief."),
                ChatMessage.user(1, "what is shown ?"),
                ChatMessage.assistant("a circle"),
                ChatMessage.user("which colour ?"));
        assertEquals("Be brief. USER: <image>\nwhat is shown ? ASSISTANT: a circle USER: which colour ? ASSISTANT:",
                PromptTemplate.VICUNA.render(conversation));
        assertEquals("<<SYS>>\nBe brief.\n<</SYS>>\n\n[INST] <image>\nwhat is shown ? [/INST] a circle</s> "
                + "[INST] which colour ? [/INST]", PromptTemplate.MISTRAL.render(conversation));
    }

    @Test
    void imagesOfATurnComeFirst() {
        ChatMessage interleaved = new ChatMessage("user",
                List.of(ContentPart.text("left"), ContentPart.image(), ContentPart.text("right"), ContentPart.image()));
        assertEquals("USER: <image>\n<image>\nleft right ASSISTANT:", PromptTemplate.VICUNA.render(List.of(interleaved)));
        assertEquals("[INST] <image>\n<image>\nleftright [/INST]", PromptTemplate.MISTRAL.render(List.of(interleaved)));
    }

    @Test
    void otherRolesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.MISTRAL.render(
                List.of(new ChatMessage("tool", List.of(ContentPart.text("42"))))));
        assertEquals("the built-in mistral prompt has no 'tool' role; supported: system, user, assistant", e.getMessage());
    }
}
