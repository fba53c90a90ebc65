package dev.vscan.synth;

/** The shapes a scene may contain; a scene holds at most one shape of each kind. */
public enum ShapeKind {
    CIRCLE("circle"),
    SQUARE("square"),
    TRIANGLE("triangle"),
    STAR("star");

    private final String word;

    ShapeKind(String word) {
        this.word = word;
    }

    /** The lower-case word used in questions. */
    public String word() {
        return word;
    }
}
