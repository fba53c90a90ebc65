package dev.vscan.model.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a checkpoint turns a conversation into the text its tokenizer encodes: the checkpoint's own chat
 * template ({@link ChatTemplate}) or, for a checkpoint without one, a built-in prompt
 * ({@link PromptTemplate}).
 */
public interface PromptFormat {

    /**
     * The prompt for {@code messages}, ending where the model's answer begins (the generation prompt, e.g.
     * {@code "ASSISTANT:"}, added).
     *
     * @throws IllegalArgumentException if this format cannot render the conversation (a role it does not
     *     know, say)
     * @throws ChatTemplateException if the checkpoint's template fails or refuses it
     */
    String render(List<ChatMessage> messages);

    /** One user turn: {@code imageCount} images, then {@code question}. */
    default String forImages(int imageCount, String question) {
        if (question == null) {
            throw new IllegalArgumentException("question must not be null (use \"\" for none)");
        }
        return render(List.of(ChatMessage.user(imageCount, question)));
    }

    /**
     * One user turn whose text already holds its {@code <image>} placeholders where the user wants them:
     * rendered as a single text part, so a template passes the placeholders through as text.
     */
    default String forPrompt(String promptWithPlaceholders) {
        if (promptWithPlaceholders == null) {
            throw new IllegalArgumentException("prompt must not be null (use \"\" for none)");
        }
        return render(List.of(ChatMessage.user(promptWithPlaceholders)));
    }

    /**
     * Whether the tokenizer should add its special tokens (the post-processor's {@code <s>}) to a prompt
     * this format rendered: not when the prompt already starts with the BOS token, as transformers'
     * processors decide.
     */
    default boolean addSpecialTokens(String renderedPrompt) {
        return true;
    }

    /**
     * The checkpoint's own chat template where it has one ({@link ChatTemplate#load}), else the built-in
     * prompt of its text model ({@link PromptTemplate#forTextModel}).
     *
     * @throws ChatTemplateException if the checkpoint's template file is unreadable or does not parse
     * @throws IllegalArgumentException if there is no template and no built-in prompt for the text model
     */
    static PromptFormat forCheckpoint(Path checkpointDir, String textModelType) {
        Optional<ChatTemplate> own = ChatTemplate.load(checkpointDir);
        if (own.isPresent()) {
            return own.get();
        }
        return PromptTemplate.forTextModel(textModelType);
    }
}
