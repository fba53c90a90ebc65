package dev.vscan.model.text;

import java.util.List;
import java.util.Locale;

/**
 * The built-in prompts, for checkpoints without a chat template of their own: each renders a conversation
 * as the llava-hf template of its family does (images of a turn first, each as {@code "<image>\n"}, then
 * its text), so a checkpoint gets the same prompt with or without its template file.
 * <ul>
 * <li>{@link #VICUNA} (LLaVA-1.5, llava-v1.6-vicuna): a system message's text and a space, then
 * {@code "USER: … "} and {@code "ASSISTANT: … "} turns, then {@code "ASSISTANT:"}; one turn is
 * {@code "USER: <image>\n{question} ASSISTANT:"}.
 * <li>{@link #MISTRAL} (llava-v1.6-mistral): a system message as {@code "<<SYS>>\n…\n<</SYS>>\n\n"}, user
 * turns as {@code "[INST] … [/INST]"}, assistant turns as {@code " …</s> "}; nothing after the last
 * {@code [/INST]}.
 * </ul>
 * Roles other than system, user and assistant are refused.
 */
public enum PromptTemplate implements PromptFormat {

    VICUNA {
        @Override
        void append(StringBuilder prompt, ChatMessage message) {
            if (!message.role().equals(ChatMessage.SYSTEM)) {
                prompt.append(message.role().toUpperCase(Locale.ROOT)).append(": ");
            }
            appendImages(prompt, message);
            for (ContentPart part : message.parts()) {
                if (part instanceof ContentPart.Text text) {
                    prompt.append(text.text()).append(' ');
                }
            }
        }

        @Override
        String generationPrompt() {
            return "ASSISTANT:";
        }
    },

    MISTRAL {
        @Override
        void append(StringBuilder prompt, ChatMessage message) {
            switch (message.role()) {
                case ChatMessage.SYSTEM -> prompt.append("<<SYS>>\n").append(message.text()).append("\n<</SYS>>\n\n");
                case ChatMessage.USER -> {
                    prompt.append("[INST] ");
                    appendImages(prompt, message);
                    prompt.append(message.text()).append(" [/INST]");
                }
                default -> prompt.append(' ').append(message.text()).append("</s> ");
            }
        }

        @Override
        String generationPrompt() {
            return "";
        }
    };

    /** The prompt of a text model by its config.json {@code model_type}. */
    public static PromptTemplate forTextModel(String modelType) {
        return switch (modelType) {
            case "llama" -> VICUNA;
            case "mistral" -> MISTRAL;
            default -> throw new IllegalArgumentException("no prompt template for a '" + modelType
                    + "' text model; supported: llama, mistral");
        };
    }

    @Override
    public String render(List<ChatMessage> messages) {
        if (messages == null) {
            throw new IllegalArgumentException("messages must not be null");
        }
        StringBuilder prompt = new StringBuilder();
        for (ChatMessage message : messages) {
            String role = message.role();
            if (!role.equals(ChatMessage.SYSTEM) && !role.equals(ChatMessage.USER)
                    && !role.equals(ChatMessage.ASSISTANT)) {
                throw new IllegalArgumentException("the built-in " + name().toLowerCase(Locale.ROOT)
                        + " prompt has no '" + role + "' role; supported: system, user, assistant");
            }
            append(prompt, message);
        }
        return prompt.append(generationPrompt()).toString();
    }

    abstract void append(StringBuilder prompt, ChatMessage message);

    abstract String generationPrompt();

    private static void appendImages(StringBuilder prompt, ChatMessage message) {
        prompt.append((LlavaPrompt.IMAGE_PLACEHOLDER + "\n").repeat(message.imageCount()));
    }
}
