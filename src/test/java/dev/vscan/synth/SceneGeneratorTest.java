package dev.vscan.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {

    @Test
    void radiiScaleWithTheImageSize() {
        assertEquals(9, new SceneGenerator(112).minRadius());
        assertEquals(16, new SceneGenerator(112).maxRadius());
        assertEquals(18, new SceneGenerator(224).minRadius());
        assertEquals(32, new SceneGenerator(224).maxRadius());
        assertThrows(IllegalArgumentException.class, () -> new SceneGenerator(111));
    }

    @Test
    void scenesHoldTwoToFourShapesOfDistinctKindsInDistinctQuadrants() {
        SceneGenerator generator = new SceneGenerator(112);
        SplittableRandom random = new SplittableRandom(7);
        int[] bySize = new int[5];
        for (int i = 0; i < 1000; i++) {
            Scene scene = generator.next(random);
            int n = scene.shapes().size();
            bySize[n]++;
            Set<ShapeKind> kinds = EnumSet.noneOf(ShapeKind.class);
            Set<Corner> quadrants = EnumSet.noneOf(Corner.class);
            for (PlacedShape shape : scene.shapes()) {
                kinds.add(shape.kind());
                quadrants.add(quadrantOf(shape, 112));
                assertTrue(shape.radius() >= 9 && shape.radius() <= 16, shape.toString());
            }
            assertEquals(n, kinds.size());
            assertEquals(n, quadrants.size());
        }
        assertEquals(0, bySize[0] + bySize[1]);
        for (int n = 2; n <= 4; n++) {
            assertTrue(bySize[n] > 250, "scenes with " + n + " shapes: " + bySize[n]);
        }
    }

    @Test
    void renderedShapesStayInsideTheirQuadrantsAndClearOfTheGlyphs() {
        for (int size : new int[] {112, 113, 160}) {
            SceneGenerator generator = new SceneGenerator(size);
            SplittableRandom random = new SplittableRandom(size);
            for (int i = 0; i < 150; i++) {
                checkLayout(generator.next(random));
            }
        }
    }

    @Test
    void forcedColourCountIsExact() {
        SceneGenerator generator = new SceneGenerator(112);
        SplittableRandom random = new SplittableRandom(11);
        for (int target = 0; target <= 4; target++) {
            for (int i = 0; i < 40; i++) {
                Scene scene = generator.next(random, Colour.YELLOW, target);
                assertEquals(target, scene.count(Colour.YELLOW));
                assertEquals(target, new RenderedScene(scene).countShapes(Colour.YELLOW));
                checkLayout(scene);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> generator.next(random, Colour.RED, 5));
    }

    @Test
    void explicitShapesArePlacedAsGiven() {
        Scene scene = new SceneGenerator(112).next(new SplittableRandom(3),
                List.of(ShapeKind.STAR, ShapeKind.CIRCLE), List.of(Colour.BLUE, Colour.BLUE));
        assertEquals(2, scene.count(Colour.BLUE));
        assertTrue(scene.has(ShapeKind.STAR, Colour.BLUE));
        assertTrue(scene.find(ShapeKind.SQUARE).isEmpty());
        float[] presence = scene.presence();
        assertEquals(20, presence.length);
        // STAR (3) * 5 + BLUE (2) = 17; CIRCLE (0) * 5 + BLUE (2) = 2.
        for (int i = 0; i < presence.length; i++) {
            assertEquals(i == 17 || i == 2 ? 1f : 0f, presence[i], "presence index " + i);
        }
    }

    @Test
    void presenceWithDigitsAppendsOneEntryPerDigitShown() {
        Scene scene = new Scene(112, List.of(new PlacedShape(ShapeKind.CIRCLE, Colour.RED, 28, 30, 12)),
                java.util.Map.of(Corner.TOP_LEFT, 3, Corner.TOP_RIGHT, 7, Corner.BOTTOM_LEFT, 3, Corner.BOTTOM_RIGHT, 0));

        float[] presence = scene.presence(true);

        assertEquals(30, presence.length);
        for (int i = 0; i < presence.length; i++) {
            boolean expected = i == 0 || i == 20 + 3 || i == 20 + 7 || i == 20;
            assertEquals(expected ? 1f : 0f, presence[i], "presence index " + i);
        }
    }

    @Test
    void scenesRejectDuplicateKindsAndMissingGlyphs() {
        Scene valid = new SceneGenerator(112).next(new SplittableRandom(5));
        PlacedShape circle = new PlacedShape(ShapeKind.CIRCLE, Colour.RED, 30, 30, 10);
        assertThrows(IllegalArgumentException.class,
                () -> new Scene(112, List.of(circle, circle), valid.glyphs()));
        assertThrows(IllegalArgumentException.class,
                () -> new Scene(112, List.of(circle), java.util.Map.of(Corner.TOP_LEFT, 3)));
        assertThrows(UnsupportedOperationException.class, () -> valid.glyphs().put(Corner.TOP_LEFT, 1));
    }

    /** Checks geometry and, independently, the rendered pixels. */
    static void checkLayout(Scene scene) {
        int size = scene.size();
        int margin = SceneGenerator.MARGIN;
        for (PlacedShape shape : scene.shapes()) {
            Rectangle q = quadrantOf(shape, size).quadrant(size);
            assertTrue(shape.minX() >= q.x + margin && shape.maxX() <= q.x + q.width - 1 - margin, shape.toString());
            assertTrue(shape.minY() >= q.y + margin && shape.maxY() <= q.y + q.height - 1 - margin, shape.toString());
        }
        RenderedScene rendered = new RenderedScene(scene);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = rendered.at(x, y);
                if (rgb == SceneRenderer.BACKGROUND) {
                    continue;
                }
                Corner corner = cornerAt(x, y, size);
                Rectangle q = corner.quadrant(size);
                Rectangle glyph = corner.glyphBox(size);
                Rectangle keepOut = new Rectangle(glyph.x - margin, glyph.y - margin,
                        glyph.width + 2 * margin, glyph.height + 2 * margin);
                if (rgb == SceneRenderer.GLYPH_INK) {
                    assertTrue(glyph.contains(x, y), "ink outside the glyph box at " + x + "," + y);
                    continue;
                }
                assertTrue(!keepOut.contains(x, y), "shape pixel near the " + corner.words() + " glyph at "
                        + x + "," + y);
                assertTrue(x >= q.x + margin && x < q.x + q.width - margin
                        && y >= q.y + margin && y < q.y + q.height - margin,
                        "shape pixel within " + margin + " px of its quadrant edge at " + x + "," + y);
                boolean owned = scene.shapes().stream()
                        .anyMatch(s -> quadrantOf(s, size) == corner && s.colour().rgb() == rgb);
                assertTrue(owned, "pixel " + Integer.toHexString(rgb) + " at " + x + "," + y
                        + " belongs to no shape of its quadrant");
            }
        }
        for (PlacedShape shape : scene.shapes()) {
            assertEquals(shape.colour().rgb(), rendered.at(shape.centreX(), shape.centreY()), shape.toString());
        }
        for (Corner corner : Corner.values()) {
            assertTrue(rendered.glyphShows(corner, scene.glyphs().get(corner)), corner.words());
        }
    }

    static Corner quadrantOf(PlacedShape shape, int size) {
        return cornerAt(shape.centreX(), shape.centreY(), size);
    }

    private static Corner cornerAt(int x, int y, int size) {
        for (Corner corner : Corner.values()) {
            if (corner.quadrant(size).contains(x, y)) {
                return corner;
            }
        }
        throw new AssertionError("no quadrant holds " + x + "," + y);
    }
}
