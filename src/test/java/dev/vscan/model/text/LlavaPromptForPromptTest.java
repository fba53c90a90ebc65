package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LlavaPromptForPromptTest {

    @Test
    void placeholdersStayWhereTheUserPutThem() {
        assertEquals("USER: compare <image> with <image> ASSISTANT:",
                LlavaPrompt.forPrompt("compare <image> with <image>"));
    }

    @Test
    void imagesFirstPromptEqualsForImages() {
        assertEquals(LlavaPrompt.forImages(2, "which is bigger?"), LlavaPrompt.forPrompt("<image>\n<image>\nwhich is bigger?"));
    }

    @Test
    void nullPromptIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LlavaPrompt.forPrompt(null));
    }
}
