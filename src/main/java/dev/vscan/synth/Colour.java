package dev.vscan.synth;

/** Shape colours: strong and far apart, so a small vision encoder separates them easily. */
public enum Colour {
    RED("red", 0xD62828),
    GREEN("green", 0x2A9D3F),
    BLUE("blue", 0x1F4FD6),
    YELLOW("yellow", 0xF2C400),
    PURPLE("purple", 0x8E2BB5);

    private final String word;
    private final int rgb;

    Colour(String word, int rgb) {
        this.word = word;
        this.rgb = rgb;
    }

    /** The lower-case word used in questions and answers. */
    public String word() {
        return word;
    }

    /** The colour as 0xRRGGBB (no alpha). */
    public int rgb() {
        return rgb;
    }
}
