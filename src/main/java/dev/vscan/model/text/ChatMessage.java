package dev.vscan.model.text;

import java.util.ArrayList;
import java.util.List;

/**
 * One turn of a conversation: a role ({@code "system"}, {@code "user"}, {@code "assistant"}; a chat template
 * may know others) and its content parts in order.
 */
public record ChatMessage(String role, List<ContentPart> parts) {

    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("role must not be blank");
        }
        if (parts == null) {
            throw new IllegalArgumentException("parts must not be null");
        }
        for (ContentPart part : parts) {
            if (part == null) {
                throw new IllegalArgumentException("parts must not contain null");
            }
        }
        parts = List.copyOf(parts);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage(SYSTEM, List.of(ContentPart.text(text)));
    }

    /** A user turn of text alone; any {@code <image>} placeholders in it stay where they are. */
    public static ChatMessage user(String text) {
        return new ChatMessage(USER, List.of(ContentPart.text(text)));
    }

    /** A user turn of {@code images} image parts followed by {@code text}, the order LLaVA's templates render. */
    public static ChatMessage user(int images, String text) {
        if (images < 0) {
            throw new IllegalArgumentException("images must be >= 0, got " + images);
        }
        List<ContentPart> parts = new ArrayList<>(images + 1);
        for (int i = 0; i < images; i++) {
            parts.add(ContentPart.image());
        }
        parts.add(ContentPart.text(text));
        return new ChatMessage(USER, parts);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(ASSISTANT, List.of(ContentPart.text(text)));
    }

    /** The text parts joined, without anything for the images. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }

    public int imageCount() {
        int count = 0;
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Image) {
                count++;
            }
        }
        return count;
    }
}
