package dev.vscan.synth;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws random scenes: 2 to 4 shapes of distinct kinds, each alone in its own quadrant (so "left",
 * "right", "top" and "bottom" are never ambiguous) and clear of the corner glyphs, plus a random digit
 * in every corner. All randomness comes from the caller's {@link SplittableRandom}.
 */
public final class SceneGenerator {

    /** Smallest supported image side; radii and layout were sized for it. */
    public static final int MIN_SIZE = 112;
    /** Minimum gap in pixels between a shape and its quadrant's edges and the glyph boxes. */
    public static final int MARGIN = 2;
    public static final int MIN_SHAPES = 2;
    public static final int MAX_SHAPES = 4;

    private static final int MAX_PLACEMENT_TRIES = 1000;

    private final int size;
    private final int minRadius;
    private final int maxRadius;

    public SceneGenerator(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("image size must be at least " + MIN_SIZE + " px, got " + size);
        }
        this.size = size;
        this.minRadius = Math.round(9f * size / MIN_SIZE);
        this.maxRadius = Math.round(16f * size / MIN_SIZE);
    }

    public int size() {
        return size;
    }

    public int minRadius() {
        return minRadius;
    }

    public int maxRadius() {
        return maxRadius;
    }

    /** A scene with 2-4 shapes of random kinds and independently random colours. */
    public Scene next(SplittableRandom random) {
        int count = MIN_SHAPES + random.nextInt(MAX_SHAPES - MIN_SHAPES + 1);
        List<ShapeKind> kinds = shuffled(ShapeKind.values(), random).subList(0, count);
        List<Colour> colours = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            colours.add(randomColour(random));
        }
        return next(random, kinds, colours);
    }

    /**
     * A scene with exactly {@code colourCount} shapes of {@code colour} (0-4); the other shapes get other
     * colours. The shape total is drawn from max(2, colourCount)..4, so counting questions balance.
     */
    public Scene next(SplittableRandom random, Colour colour, int colourCount) {
        if (colourCount < 0 || colourCount > MAX_SHAPES) {
            throw new IllegalArgumentException("colour count must be 0-" + MAX_SHAPES + ", got " + colourCount);
        }
        int least = Math.max(MIN_SHAPES, colourCount);
        int count = least + random.nextInt(MAX_SHAPES - least + 1);
        List<ShapeKind> kinds = shuffled(ShapeKind.values(), random).subList(0, count);
        List<Colour> colours = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            colours.add(i < colourCount ? colour : randomColourExcept(colour, random));
        }
        // The coloured shapes must not always be the first kinds drawn, nor sit in fixed quadrants.
        List<Colour> mixed = shuffled(colours.toArray(Colour[]::new), random);
        return next(random, kinds, mixed);
    }

    /**
     * A scene with exactly the given shapes: {@code kinds.get(i)} in {@code colours.get(i)}, placed in
     * random distinct quadrants at random radii, with random corner digits.
     */
    public Scene next(SplittableRandom random, List<ShapeKind> kinds, List<Colour> colours) {
        if (kinds.size() != colours.size()) {
            throw new IllegalArgumentException("need one colour per kind, got " + kinds.size() + " kinds and "
                    + colours.size() + " colours");
        }
        if (kinds.size() > Corner.values().length) {
            throw new IllegalArgumentException("at most " + Corner.values().length
                    + " shapes fit, one per quadrant; got " + kinds.size());
        }
        List<Corner> quadrants = shuffled(Corner.values(), random);
        List<PlacedShape> shapes = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            shapes.add(place(kinds.get(i), colours.get(i), quadrants.get(i), random));
        }
        Map<Corner, Integer> glyphs = new EnumMap<>(Corner.class);
        for (Corner corner : Corner.values()) {
            glyphs.put(corner, random.nextInt(10));
        }
        return new Scene(size, shapes, glyphs);
    }

    /** Uniform over the colours. */
    public static Colour randomColour(SplittableRandom random) {
        Colour[] all = Colour.values();
        return all[random.nextInt(all.length)];
    }

    /** Uniform over the colours other than {@code excluded}. */
    public static Colour randomColourExcept(Colour excluded, SplittableRandom random) {
        Colour[] all = Colour.values();
        int pick = random.nextInt(all.length - 1);
        return all[pick >= excluded.ordinal() ? pick + 1 : pick];
    }

    private PlacedShape place(ShapeKind kind, Colour colour, Corner quadrant, SplittableRandom random) {
        int radius = minRadius + random.nextInt(maxRadius - minRadius + 1);
        Rectangle area = quadrant.quadrant(size);
        // Bounding box [c - r, c + r] must keep MARGIN px inside the quadrant on every side.
        int lowX = area.x + MARGIN + radius;
        int highX = area.x + area.width - 1 - MARGIN - radius;
        int lowY = area.y + MARGIN + radius;
        int highY = area.y + area.height - 1 - MARGIN - radius;
        Rectangle glyph = quadrant.glyphBox(size);
        Rectangle keepOut = new Rectangle(glyph.x - MARGIN, glyph.y - MARGIN,
                glyph.width + 2 * MARGIN, glyph.height + 2 * MARGIN);
        // Rejection sampling; roughly half the centres clear the glyph even at the largest radius.
        for (int attempt = 0; attempt < MAX_PLACEMENT_TRIES; attempt++) {
            int x = lowX + random.nextInt(highX - lowX + 1);
            int y = lowY + random.nextInt(highY - lowY + 1);
            Rectangle box = new Rectangle(x - radius, y - radius, 2 * radius + 1, 2 * radius + 1);
            if (!box.intersects(keepOut)) {
                return new PlacedShape(kind, colour, x, y, radius);
            }
        }
        throw new IllegalStateException("could not place a " + kind.word() + " of radius " + radius
                + " px clear of the " + quadrant.words() + " glyph in a " + size + " px image");
    }

    private static <T> List<T> shuffled(T[] values, SplittableRandom random) {
        List<T> list = new ArrayList<>(Arrays.asList(values));
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
        return list;
    }
}
