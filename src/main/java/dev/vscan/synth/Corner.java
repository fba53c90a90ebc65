package dev.vscan.synth;

import java.awt.Rectangle;

/** Image corners; each holds one digit glyph and names one quadrant. */
public enum Corner {
    TOP_LEFT("top left", true, true),
    TOP_RIGHT("top right", true, false),
    BOTTOM_LEFT("bottom left", false, true),
    BOTTOM_RIGHT("bottom right", false, false);

    /** Gap between a glyph box and the two image edges of its corner, in pixels. */
    public static final int GLYPH_EDGE_GAP = 2;

    private final String words;
    private final boolean top;
    private final boolean left;

    Corner(String words, boolean top, boolean left) {
        this.words = words;
        this.top = top;
        this.left = left;
    }

    /** The lower-case words used in questions, e.g. "top left". */
    public String words() {
        return words;
    }

    public boolean isTop() {
        return top;
    }

    public boolean isLeft() {
        return left;
    }

    /** The pixels the corner's digit glyph occupies in an image of the given size. */
    public Rectangle glyphBox(int size) {
        int width = DigitFont.WIDTH * DigitFont.SCALE;
        int height = DigitFont.HEIGHT * DigitFont.SCALE;
        int x = left ? GLYPH_EDGE_GAP : size - GLYPH_EDGE_GAP - width;
        int y = top ? GLYPH_EDGE_GAP : size - GLYPH_EDGE_GAP - height;
        return new Rectangle(x, y, width, height);
    }

    /** The quarter of an image of the given size that lies at this corner. */
    public Rectangle quadrant(int size) {
        int half = size / 2;
        int x = left ? 0 : half;
        int y = top ? 0 : half;
        return new Rectangle(x, y, left ? half : size - half, top ? half : size - half);
    }
}
