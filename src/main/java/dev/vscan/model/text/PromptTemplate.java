package dev.vscan.model.text;

/**
 * The one-user-turn prompt of a LLaVA checkpoint's text model, each image as {@code "<image>\n"} before
 * the question: vicuna's {@code "USER: … ASSISTANT:"} (LLaVA-1.5 and llava-v1.6-vicuna) or Mistral's
 * {@code "[INST] … [/INST]"} (llava-v1.6-mistral). A checkpoint's own chat template, where it has one,
 * is not rendered yet.
 */
public enum PromptTemplate {

    VICUNA("USER: ", " ASSISTANT:"),
    MISTRAL("[INST] ", " [/INST]");

    private final String before;
    private final String after;

    PromptTemplate(String before, String after) {
        this.before = before;
        this.after = after;
    }

    /** The template of a text model by its config.json {@code model_type}. */
    public static PromptTemplate forTextModel(String modelType) {
        return switch (modelType) {
            case "llama" -> VICUNA;
            case "mistral" -> MISTRAL;
            default -> throw new IllegalArgumentException("no prompt template for a '" + modelType
                    + "' text model; supported: llama, mistral");
        };
    }

    /** The prompt for {@code imageCount} images followed by {@code question}. */
    public String forImages(int imageCount, String question) {
        if (imageCount < 0) {
            throw new IllegalArgumentException("imageCount must be >= 0, got " + imageCount);
        }
        if (question == null) {
            throw new IllegalArgumentException("question must not be null (use \"\" for none)");
        }
        return forPrompt((LlavaPrompt.IMAGE_PLACEHOLDER + "\n").repeat(imageCount) + question);
    }

    /** The template around a prompt that already holds its {@code <image>} placeholders. */
    public String forPrompt(String promptWithPlaceholders) {
        if (promptWithPlaceholders == null) {
            throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
        }
        return before + promptWithPlaceholders + after;
    }
}
