package dev.vscan.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneCaptionTest {

    private static final Map<Corner, Integer> DIGITS = Map.of(Corner.TOP_LEFT, 3, Corner.TOP_RIGHT, 7,
            Corner.BOTTOM_LEFT, 1, Corner.BOTTOM_RIGHT, 9);

    @Test
    void namesTheShapeAndDigitOfEveryQuadrantInReadingOrder() {
        Scene scene = new Scene(112, List.of(
                new PlacedShape(ShapeKind.STAR, Colour.BLUE, 30, 80, 10),
                new PlacedShape(ShapeKind.CIRCLE, Colour.RED, 28, 30, 12)), DIGITS);

        assertEquals("top left: red circle, 3. top right: none, 7. bottom left: blue star, 1. bottom right: none, 9.",
                SceneCaption.describe(scene));
    }

    @Test
    void everyShapeOfAGeneratedSceneIsNamedOnce() {
        SceneGenerator generator = new SceneGenerator(112);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200; i++) {
            Scene scene = generator.next(random);
            String caption = SceneCaption.describe(scene);
            for (PlacedShape shape : scene.shapes()) {
                String words = shape.colour().word() + " " + shape.kind().word();
                assertEquals(caption.indexOf(words), caption.lastIndexOf(words), caption);
                assertTrue(caption.contains(words), caption + " misses " + words);
            }
            int nones = caption.split("none", -1).length - 1;
            assertEquals(4 - scene.shapes().size(), nones, caption);
        }
    }
}
