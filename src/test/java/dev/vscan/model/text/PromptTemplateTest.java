package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The one-turn prompts of the text models LLaVA checkpoints use. */
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
}
