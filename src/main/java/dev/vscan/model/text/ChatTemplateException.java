package dev.vscan.model.text;

/**
 * A checkpoint's chat template could not be read, parsed or rendered, or it refused the conversation
 * ({@code raise_exception}); the message names the file it came from.
 */
public class ChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
