package dev.vscan.model.text;

/** A tokenizer file is missing, unreadable or does not fit the model (for example no {@code <image>} token). */
public final class TokenizerException extends IllegalArgumentException {

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
