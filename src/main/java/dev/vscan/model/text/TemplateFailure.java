package dev.vscan.model.text;

/**
 * Thrown inside a render by our additions to Jinjava, so that {@link ChatTemplate} can tell the template's
 * own {@code raise_exception} (the conversation is refused) from a value the template misused.
 */
final class TemplateFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean raisedByTemplate;

    private TemplateFailure(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    static TemplateFailure raised(String message) {
        return new TemplateFailure(message, true);
    }

    static TemplateFailure misuse(String message) {
        return new TemplateFailure(message, false);
    }

    boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
