package dev.vscan.synth;

import java.util.List;

/**
 * A 5x7 bitmap font for the digits 0-9, drawn at {@link #SCALE}x. Our own bitmaps rather than a
 * system font so the rendered glyphs are identical on every JDK and machine.
 */
public final class DigitFont {

    public static final int WIDTH = 5;
    public static final int HEIGHT = 7;
    public static final int SCALE = 2;

    private static final List<String[]> ROWS = List.of(
            new String[] {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
            new String[] {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
            new String[] {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
            new String[] {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
            new String[] {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
            new String[] {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
            new String[] {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
            new String[] {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
            new String[] {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
            new String[] {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."});

    private DigitFont() {
    }

    /** Whether the font cell at (column, row) of the digit is ink, before scaling. */
    public static boolean ink(int digit, int column, int row) {
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("digit must be 0-9, got " + digit);
        }
        if (column < 0 || column >= WIDTH || row < 0 || row >= HEIGHT) {
            throw new IllegalArgumentException("font cell (" + column + ", " + row + ") lies outside the "
                    + WIDTH + "x" + HEIGHT + " grid");
        }
        return ROWS.get(digit)[row].charAt(column) == '#';
    }

    /** Whether the pixel at (x, y) inside a scaled glyph box is ink. */
    public static boolean inkAtPixel(int digit, int x, int y) {
        return ink(digit, x / SCALE, y / SCALE);
    }
}
