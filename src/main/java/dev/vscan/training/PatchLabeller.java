package dev.vscan.training;

import dev.vscan.synth.Colour;
import dev.vscan.synth.Corner;
import dev.vscan.synth.PlacedShape;
import dev.vscan.synth.Scene;
import dev.vscan.synth.SceneRenderer;
import dev.vscan.synth.ShapeKind;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;

/**
 * What each patch of a rendered scene shows: background, one of the 20 shape-colour pairs, or one of the
 * ten digits. A patch takes the non-background class that covers most of its pixels, if that covers at
 * least a tenth of them (thin digit strokes need no more). These labels train a per-patch head during training only, standing in for the
 * dense visual knowledge a real LLaVA inherits from CLIP's pre-training.
 *
 * <p>With sides, each shape class is split in two by which half of the image the shape's centre lies in,
 * so a patch's features must also say on which side its shape is: the fact a left/right question asks for,
 * which the decoder cannot read from rotary positions as easily as top/bottom (rows follow each other in
 * the sequence; columns interleave).
 */
public final class PatchLabeller {

    public static final int BACKGROUND = 0;
    public static final int FIRST_SHAPE = 1;
    public static final int FIRST_DIGIT = FIRST_SHAPE + ShapeKind.values().length * Colour.values().length;
    public static final int CLASSES = FIRST_DIGIT + 10;
    private static final int SHAPE_CLASSES = FIRST_DIGIT - FIRST_SHAPE;

    private final int patchSize;
    private final boolean sides;

    public PatchLabeller(int patchSize) {
        this(patchSize, false);
    }

    /** @param sides whether shape classes also name the half (left or right) the shape's centre is in */
    public PatchLabeller(int patchSize, boolean sides) {
        this.patchSize = patchSize;
        this.sides = sides;
    }

    /** Number of classes: {@link #CLASSES}, plus one more set of shape classes with sides. */
    public int classes() {
        return sides ? CLASSES + SHAPE_CLASSES : CLASSES;
    }

    /**
     * The class of a shape-colour pair; with sides, shapes centred in the right half take the classes
     * after the digits.
     */
    public int shapeClass(PlacedShape shape, int imageSize) {
        int base = shape.kind().ordinal() * Colour.values().length + shape.colour().ordinal();
        return sides && shape.centreX() >= imageSize / 2 ? CLASSES + base : FIRST_SHAPE + base;
    }

    /** Labels in raster order of the patch grid. */
    public int[] labels(Scene scene, BufferedImage rendered) {
        int size = scene.size();
        int grid = size / patchSize;
        int[] pixelClass = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                pixelClass[y * size + x] = classOf(scene, rendered.getRGB(x, y) & 0xFFFFFF, x, y);
            }
        }
        int[] labels = new int[grid * grid];
        int[] votes = new int[classes()];
        for (int py = 0; py < grid; py++) {
            for (int px = 0; px < grid; px++) {
                Arrays.fill(votes, 0);
                for (int y = py * patchSize; y < (py + 1) * patchSize; y++) {
                    for (int x = px * patchSize; x < (px + 1) * patchSize; x++) {
                        votes[pixelClass[y * size + x]]++;
                    }
                }
                int best = 1;
                for (int c = 2; c < votes.length; c++) {
                    if (votes[c] > votes[best]) {
                        best = c;
                    }
                }
                labels[py * grid + px] = votes[best] * 10 >= patchSize * patchSize ? best : BACKGROUND;
            }
        }
        return labels;
    }

    private int classOf(Scene scene, int rgb, int x, int y) {
        if (rgb == SceneRenderer.GLYPH_INK) {
            for (Map.Entry<Corner, Integer> glyph : scene.glyphs().entrySet()) {
                Rectangle box = glyph.getKey().glyphBox(scene.size());
                if (box.contains(x, y)) {
                    return FIRST_DIGIT + glyph.getValue();
                }
            }
            return BACKGROUND;
        }
        for (PlacedShape shape : scene.shapes()) {
            if (rgb == shape.colour().rgb() && x >= shape.minX() && x <= shape.maxX() && y >= shape.minY()
                    && y <= shape.maxY()) {
                return shapeClass(shape, scene.size());
            }
        }
        return BACKGROUND;
    }
}
