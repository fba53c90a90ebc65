package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LlavaPromptTest {

    private static final int IMAGE = 3;

    @Test
    void oneImageFollowsTheLlava15Template() {
        assertEquals("USER: <image>\nwhat colour is the big circle ? ASSISTANT:",
                LlavaPrompt.forImages(1, "what colour is the big circle ?"));
    }

    @Test
    void eachImageGetsItsOwnLineBeforeTheQuestion() {
        assertEquals("USER: <image>\n<image>\nwhich is bigger? ASSISTANT:",
                LlavaPrompt.forImages(2, "which is bigger?"));
        assertEquals("USER: hello ASSISTANT:", LlavaPrompt.forImages(0, "hello"));
    }

    @Test
    void negativeImageCountIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LlavaPrompt.forImages(-1, "q"));
    }

    @Test
    void expansionRepeatsEachPlaceholderByItsFeatureCount() {
        long[] ids = {1, 4, IMAGE, 6, IMAGE, 7};
        long[] expanded = LlavaPrompt.expandImageTokens(ids, IMAGE, new int[] {3, 2});
        assertArrayEquals(new long[] {1, 4, IMAGE, IMAGE, IMAGE, 6, IMAGE, IMAGE, 7}, expanded);
    }

    @Test
    void expansionWithoutImagesKeepsTheIds() {
        long[] ids = {1, 4, 5};
        assertArrayEquals(ids, LlavaPrompt.expandImageTokens(ids, IMAGE, new int[0]));
    }

    @Test
    void placeholderAndImageCountsMustAgree() {
        long[] ids = {1, IMAGE, 6, IMAGE};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlavaPrompt.expandImageTokens(ids, IMAGE, new int[] {64}));
        assertEquals("prompt has 2 <image> placeholders but 1 image was given", e.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> LlavaPrompt.expandImageTokens(new long[] {1, 6}, IMAGE, new int[] {64, 64}));
        assertEquals("prompt has 0 <image> placeholders but 2 images were given", none.getMessage());
    }

    @Test
    void imagesNeedAtLeastOneFeature() {
        assertThrows(IllegalArgumentException.class,
                () -> LlavaPrompt.expandImageTokens(new long[] {1, IMAGE}, IMAGE, new int[] {0}));
    }

    @Test
    void spansLocateEachImageRun() {
        long[] expanded = LlavaPrompt.expandImageTokens(
                new long[] {1, 4, IMAGE, 6, IMAGE, 7}, IMAGE, new int[] {3, 2});
        List<int[]> spans = LlavaPrompt.imageSpans(expanded, IMAGE);
        assertEquals(2, spans.size());
        assertArrayEquals(new int[] {2, 5}, spans.get(0));
        assertArrayEquals(new int[] {6, 8}, spans.get(1));
    }

    @Test
    void spansReachTheEndOfTheSequence() {
        List<int[]> spans = LlavaPrompt.imageSpans(new long[] {IMAGE, IMAGE, 5, IMAGE}, IMAGE);
        assertEquals(2, spans.size());
        assertArrayEquals(new int[] {0, 2}, spans.get(0));
        assertArrayEquals(new int[] {3, 4}, spans.get(1));
        assertEquals(0, LlavaPrompt.imageSpans(new long[] {1, 2}, IMAGE).size());
    }
}
