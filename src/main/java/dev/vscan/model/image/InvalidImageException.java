package dev.vscan.model.image;

/** An image was refused: it is empty, too large, in an unsupported format or shape, or cannot be decoded. */
public final class InvalidImageException extends RuntimeException {

    /**
     * Why the image was refused; callers map these to client errors. UNSUPPORTED_SHAPE: decodable, but the
     * model family cannot take its aspect ratio or size.
     */
    public enum Reason { EMPTY, TOO_MANY_BYTES, TOO_MANY_PIXELS, UNSUPPORTED_FORMAT, CORRUPT, UNSUPPORTED_SHAPE }

    private final Reason reason;

    public InvalidImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
