package dev.vscan.model.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The LLaVA-1.5 conversation template and the expansion of each {@code <image>} placeholder into one token
 * per image feature, as the llava-hf processor does before the model merges features into the text stream.
 */
public final class LlavaPrompt {

    /** The placeholder that the tokenizer maps to the image token id. */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private LlavaPrompt() {
    }

    /**
     * The llava-hf chat template for one user turn with a generation prompt: the role upper-cased plus
     * ": ", each image as {@code "<image>\n"}, the question followed by a space, then {@code "ASSISTANT:"}.
     * For one image: {@code "USER: <image>\n{question} ASSISTANT:"}.
     */
    public static String forImages(int imageCount, String question) {
        return PromptTemplate.VICUNA.forImages(imageCount, question);
    }

    /**
     * The same template around a prompt that already holds its {@code <image>} placeholders where the user
     * wants the images: {@code "USER: " + prompt + " ASSISTANT:"}. For {@code "<image>\n" * n + question} this
     * equals {@link #forImages forImages(n, question)}.
     */
    public static String forPrompt(String promptWithPlaceholders) {
        return PromptTemplate.VICUNA.forPrompt(promptWithPlaceholders);
    }

    /**
     * Replaces the i-th occurrence of {@code imageTokenId} by {@code featuresPerImage[i]} copies of it, so
     * that the sequence has one position per image feature.
     *
     * @throws IllegalArgumentException if the number of placeholders differs from the number of images, or
     *     an image has no features
     */
    public static long[] expandImageTokens(long[] ids, int imageTokenId, int[] featuresPerImage) {
        int placeholders = 0;
        for (long id : ids) {
            if (id == imageTokenId) {
                placeholders++;
            }
        }
        if (placeholders != featuresPerImage.length) {
            throw new IllegalArgumentException("prompt has " + count(placeholders, "<image> placeholder")
                    + " but " + count(featuresPerImage.length, "image") + (featuresPerImage.length == 1 ? " was" : " were")
                    + " given");
        }
        long total = ids.length - placeholders;
        for (int i = 0; i < featuresPerImage.length; i++) {
            if (featuresPerImage[i] <= 0) {
                throw new IllegalArgumentException(
                        "image " + i + " has " + featuresPerImage[i] + " features; each image needs at least 1");
            }
            total += featuresPerImage[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("expanded prompt would have " + total + " tokens, more than an array holds");
        }
        long[] expanded = new long[(int) total];
        int out = 0;
        int image = 0;
        for (long id : ids) {
            int copies = id == imageTokenId ? featuresPerImage[image++] : 1;
            for (int c = 0; c < copies; c++) {
                expanded[out++] = id;
            }
        }
        return expanded;
    }

    /**
     * The {@code [start, endExclusive]} of each maximal run of {@code imageTokenId}, in order. The template
     * separates images by a newline, so each run is one image; images placed back to back would form a
     * single run.
     */
    public static List<int[]> imageSpans(long[] expandedIds, int imageTokenId) {
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        while (i < expandedIds.length) {
            if (expandedIds[i] != imageTokenId) {
                i++;
                continue;
            }
            int start = i;
            while (i < expandedIds.length && expandedIds[i] == imageTokenId) {
                i++;
            }
            spans.add(new int[] {start, i});
        }
        return spans;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
