package dev.vscan.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.synth.Colour;
import dev.vscan.synth.Corner;
import dev.vscan.synth.PlacedShape;
import dev.vscan.synth.Scene;
import dev.vscan.synth.SceneRenderer;
import dev.vscan.synth.SyntheticDataset;
import java.awt.Rectangle;
import org.junit.jupiter.api.Test;

class PatchLabellerTest {

    private final PatchLabeller labeller = new PatchLabeller(7);

    @Test
    void shapeCentresCarryTheirShapeAndColourAndCornersTheirDigit() {
        for (long i = 0; i < 20; i++) {
            Scene scene = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112).get(i).scenes().get(0);
            int[] labels = labeller.labels(scene, SceneRenderer.render(scene));

            assertEquals(256, labels.length);
            for (PlacedShape shape : scene.shapes()) {
                int expected = PatchLabeller.FIRST_SHAPE + shape.kind().ordinal() * Colour.values().length
                        + shape.colour().ordinal();
                assertEquals(expected, labels[(shape.centreY() / 7) * 16 + shape.centreX() / 7], shape.toString());
            }
            for (Corner corner : Corner.values()) {
                Rectangle box = corner.glyphBox(112);
                int digit = PatchLabeller.FIRST_DIGIT + scene.glyphs().get(corner);
                boolean found = false;
                for (int y = box.y / 7; y <= (box.y + box.height - 1) / 7; y++) {
                    for (int x = box.x / 7; x <= (box.x + box.width - 1) / 7; x++) {
                        found |= labels[y * 16 + x] == digit;
                    }
                }
                assertTrue(found, "a patch of the " + corner + " glyph is labelled with its digit");
            }
        }
    }

    @Test
    void mostPatchesAreBackground() {
        Scene scene = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112).get(0).scenes().get(0);
        int[] labels = labeller.labels(scene, SceneRenderer.render(scene));

        long background = java.util.Arrays.stream(labels).filter(l -> l == PatchLabeller.BACKGROUND).count();
        assertTrue(background > 128 && background < 250, background + " background patches");
    }

    @Test
    void withSidesAShapesPatchesAlsoSayWhichHalfItsCentreIsIn() {
        PatchLabeller sided = new PatchLabeller(7, true);
        assertEquals(PatchLabeller.CLASSES + 20, sided.classes());
        int left = 0, right = 0;
        for (long i = 0; i < 20; i++) {
            Scene scene = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112).get(i).scenes().get(0);
            int[] plain = labeller.labels(scene, SceneRenderer.render(scene));
            int[] labels = sided.labels(scene, SceneRenderer.render(scene));
            for (PlacedShape shape : scene.shapes()) {
                int patch = (shape.centreY() / 7) * 16 + shape.centreX() / 7;
                boolean onTheRight = shape.centreX() >= 56;
                int shift = onTheRight ? PatchLabeller.CLASSES - PatchLabeller.FIRST_SHAPE : 0;
                assertEquals(plain[patch] + shift, labels[patch], shape.toString());
                left += onTheRight ? 0 : 1;
                right += onTheRight ? 1 : 0;
            }
        }
        assertTrue(left > 5 && right > 5, left + " shapes on the left, " + right + " on the right");
    }
}
