package dev.vscan.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    private static final int BG = SceneRenderer.BACKGROUND;

    private static Scene handMadeScene() {
        Map<Corner, Integer> glyphs = new EnumMap<>(Corner.class);
        glyphs.put(Corner.TOP_LEFT, 1);
        glyphs.put(Corner.TOP_RIGHT, 7);
        glyphs.put(Corner.BOTTOM_LEFT, 0);
        glyphs.put(Corner.BOTTOM_RIGHT, 8);
        return new Scene(112, List.of(
                new PlacedShape(ShapeKind.CIRCLE, Colour.RED, 30, 40, 10),
                new PlacedShape(ShapeKind.SQUARE, Colour.GREEN, 80, 40, 10),
                new PlacedShape(ShapeKind.TRIANGLE, Colour.BLUE, 30, 80, 10),
                new PlacedShape(ShapeKind.STAR, Colour.PURPLE, 80, 80, 10)), glyphs);
    }

    @Test
    void imageIsRgbOfTheSceneSizeOnAPlainBackground() {
        BufferedImage image = SceneRenderer.render(handMadeScene());
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(112, image.getWidth());
        assertEquals(112, image.getHeight());
        RenderedScene r = new RenderedScene(handMadeScene());
        assertEquals(BG, r.at(56, 56));
        assertEquals(BG, r.at(0, 0));
        assertEquals(BG, r.at(111, 111));
    }

    @Test
    void circleIsEveryPixelWithinTheRadius() {
        RenderedScene r = new RenderedScene(handMadeScene());
        int red = Colour.RED.rgb();
        assertEquals(red, r.at(30, 40));
        assertEquals(red, r.at(40, 40)); // distance 10
        assertEquals(BG, r.at(41, 40));
        assertEquals(red, r.at(37, 47)); // 49 + 49 = 98 <= 100
        assertEquals(BG, r.at(38, 47)); // 64 + 49 = 113 > 100
        assertEquals(red, r.at(30, 30));
        assertEquals(BG, r.at(30, 29));
    }

    @Test
    void squareHasHalfSideOfPointEightFiveRadius() {
        RenderedScene r = new RenderedScene(handMadeScene());
        int green = Colour.GREEN.rgb();
        assertEquals(green, r.at(88, 40)); // |dx| = 8 <= 8.5
        assertEquals(BG, r.at(89, 40)); // 9 > 8.5
        assertEquals(green, r.at(72, 32)); // corner (-8, -8)
        assertEquals(BG, r.at(71, 32));
        assertEquals(BG, r.at(72, 31));
    }

    @Test
    void triangleHasItsApexUpAndItsBaseAtThreeQuartersRadius() {
        RenderedScene r = new RenderedScene(handMadeScene());
        int blue = Colour.BLUE.rgb();
        assertEquals(blue, r.at(30, 70)); // apex (cx, cy - r)
        assertEquals(BG, r.at(30, 69));
        assertEquals(blue, r.at(30, 87)); // base at cy + 7.5
        assertEquals(BG, r.at(30, 88));
        // Left edge at dy = 7 lies at dx = -9 * 17 / 17.5 = -8.74.
        assertEquals(blue, r.at(22, 87));
        assertEquals(BG, r.at(21, 87));
        // Near the apex the triangle is narrow: at dy = -8, half-width 9 * 2 / 17.5 = 1.03.
        assertEquals(blue, r.at(31, 72));
        assertEquals(BG, r.at(32, 72));
    }

    @Test
    void starHasFivePointsAndNotchesBetweenThem() {
        RenderedScene r = new RenderedScene(handMadeScene());
        int purple = Colour.PURPLE.rgb();
        assertEquals(purple, r.at(80, 80));
        // Top tip: at dy = -9 the tip's edges lie at dx = +-0.42.
        assertEquals(purple, r.at(80, 71));
        assertEquals(BG, r.at(81, 71));
        // Notch between the top and upper-right tips: inner corner at radius 4.5, this point at 6.4.
        assertEquals(BG, r.at(84, 75));
        // Upper-right tip at (9.51, -3.09): at dy = -3 its lower edge lies at dx = 9.40.
        assertEquals(purple, r.at(89, 77));
        assertEquals(BG, r.at(90, 77));
        // Pointing up means no tip straight down: (0, +9) lies between the two lower tips.
        assertEquals(BG, r.at(80, 89));
    }

    @Test
    void glyphsAreTheScaledFontTwoPixelsFromTheEdges() {
        RenderedScene r = new RenderedScene(handMadeScene());
        int ink = SceneRenderer.GLYPH_INK;
        // "1" top row is "..#..": column 2 -> pixels x = 2 + 4, 2 + 5; rows y = 2, 3.
        assertEquals(BG, r.at(2, 2));
        assertEquals(ink, r.at(6, 2));
        assertEquals(ink, r.at(7, 3));
        assertEquals(BG, r.at(8, 2));
        assertEquals(BG, r.at(6, 1));
        // "7" top row is "#####": the box spans x = 112 - 2 - 10 = 100 .. 109.
        assertEquals(ink, r.at(100, 2));
        assertEquals(ink, r.at(109, 2));
        assertEquals(BG, r.at(110, 2));
        assertEquals(BG, r.at(99, 2));
        // "0" bottom row is ".###.": the box spans y = 112 - 2 - 14 = 96 .. 109.
        assertEquals(BG, r.at(2, 109));
        assertEquals(ink, r.at(4, 109));
        assertEquals(BG, r.at(4, 110));
        // "8" middle row (row 3) is ".###.": rows y = 96 + 6, 96 + 7.
        assertEquals(ink, r.at(102, 102));
        assertEquals(BG, r.at(100, 102));
        for (Corner corner : Corner.values()) {
            int digit = handMadeScene().glyphs().get(corner);
            assertEquals(true, r.glyphShows(corner, digit), corner.words());
        }
    }

    @Test
    void digitBitmapsDifferInAtLeastThreeCells() {
        for (int a = 0; a < 10; a++) {
            for (int b = a + 1; b < 10; b++) {
                int differing = 0;
                for (int row = 0; row < DigitFont.HEIGHT; row++) {
                    for (int column = 0; column < DigitFont.WIDTH; column++) {
                        if (DigitFont.ink(a, column, row) != DigitFont.ink(b, column, row)) {
                            differing++;
                        }
                    }
                }
                assertEquals(true, differing >= 3, a + " and " + b + " differ in only " + differing + " cells");
            }
        }
    }
}
