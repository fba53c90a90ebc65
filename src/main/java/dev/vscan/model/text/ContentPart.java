package dev.vscan.model.text;

/**
 * One piece of a chat message's content, as Hugging Face processors take it: a text, or the place of an
 * image. An image part carries no pixels; the engine gets the images separately, in the order of their
 * parts, and the prompt format decides what marks them in the text ({@code <image>} for LLaVA).
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

    /** A text part: {@code {"type": "text", "text": …}} in a chat template's messages. */
    record Text(String text) implements ContentPart {
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("text must not be null (use \"\" for none)");
            }
        }
    }

    /** An image part: {@code {"type": "image"}} in a chat template's messages. */
    record Image() implements ContentPart {}

    static ContentPart text(String text) {
        return new Text(text);
    }

    static ContentPart image() {
        return new Image();
    }
}
