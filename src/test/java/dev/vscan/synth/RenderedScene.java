package dev.vscan.synth;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/** Test helper: reads facts back from a rendered image, independently of the scene description. */
final class RenderedScene {

    final int size;
    private final int[] rgb;

    RenderedScene(Scene scene) {
        BufferedImage image = SceneRenderer.render(scene);
        size = image.getWidth();
        rgb = image.getRGB(0, 0, size, image.getHeight(), null, 0, size);
    }

    int at(int x, int y) {
        return rgb[y * size + x] & 0xFFFFFF;
    }

    int[] pixels() {
        return rgb.clone();
    }

    /** Shapes never share a quadrant, so the shapes of a colour = quadrants that show that colour. */
    int countShapes(Colour colour) {
        int count = 0;
        for (Corner corner : Corner.values()) {
            if (contains(corner.quadrant(size), colour.rgb())) {
                count++;
            }
        }
        return count;
    }

    boolean contains(Rectangle area, int colour) {
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                if (at(x, y) == colour) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the glyph box of the corner shows exactly the digit's scaled bitmap. */
    boolean glyphShows(Corner corner, int digit) {
        Rectangle box = corner.glyphBox(size);
        for (int y = 0; y < box.height; y++) {
            for (int x = 0; x < box.width; x++) {
                int expected = DigitFont.inkAtPixel(digit, x, y) ? SceneRenderer.GLYPH_INK : SceneRenderer.BACKGROUND;
                if (at(box.x + x, box.y + y) != expected) {
                    return false;
                }
            }
        }
        return true;
    }
}
