package dev.vscan.synth;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * Rasterises a {@link Scene} with plain per-pixel inside tests rather than Graphics2D, so every JDK
 * produces the same bits. A pixel (x, y) belongs to a shape when the point (x, y) passes the shape's
 * test; star vertices use {@link StrictMath} for the same reason.
 */
public final class SceneRenderer {

    public static final int BACKGROUND = 0xF5F5F5;
    public static final int GLYPH_INK = 0x111111;

    static final double SQUARE_HALF_SIDE = 0.85;
    static final double TRIANGLE_HALF_BASE = 0.9;
    static final double TRIANGLE_BASE_DROP = 0.75;
    static final double STAR_INNER = 0.45;

    private SceneRenderer() {
    }

    /** A size x size TYPE_INT_RGB image of the scene. */
    public static BufferedImage render(Scene scene) {
        int size = scene.size();
        int[] pixels = new int[size * size];
        java.util.Arrays.fill(pixels, BACKGROUND);
        for (PlacedShape shape : scene.shapes()) {
            drawShape(shape, pixels, size);
        }
        for (Corner corner : Corner.values()) {
            drawGlyph(scene.glyphs().get(corner), corner.glyphBox(size), pixels, size);
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, size, size, pixels, 0, size);
        return image;
    }

    /** Whether the point at offset (dx, dy) from the shape's centre lies inside it. */
    public static boolean inside(ShapeKind kind, int radius, double dx, double dy) {
        double r = radius;
        return switch (kind) {
            case CIRCLE -> dx * dx + dy * dy <= r * r;
            case SQUARE -> Math.abs(dx) <= SQUARE_HALF_SIDE * r && Math.abs(dy) <= SQUARE_HALF_SIDE * r;
            case TRIANGLE -> insideTriangle(r, dx, dy);
            case STAR -> insideStar(r, dx, dy);
        };
    }

    private static void drawShape(PlacedShape shape, int[] pixels, int size) {
        int rgb = shape.colour().rgb();
        for (int y = Math.max(0, shape.minY()); y <= Math.min(size - 1, shape.maxY()); y++) {
            for (int x = Math.max(0, shape.minX()); x <= Math.min(size - 1, shape.maxX()); x++) {
                if (inside(shape.kind(), shape.radius(), x - shape.centreX(), y - shape.centreY())) {
                    pixels[y * size + x] = rgb;
                }
            }
        }
    }

    private static void drawGlyph(int digit, Rectangle box, int[] pixels, int size) {
        for (int y = 0; y < box.height; y++) {
            for (int x = 0; x < box.width; x++) {
                if (DigitFont.inkAtPixel(digit, x, y)) {
                    pixels[(box.y + y) * size + box.x + x] = GLYPH_INK;
                }
            }
        }
    }

    private static boolean insideTriangle(double r, double dx, double dy) {
        double ax = 0;
        double ay = -r;
        double bx = -TRIANGLE_HALF_BASE * r;
        double by = TRIANGLE_BASE_DROP * r;
        double cx = TRIANGLE_HALF_BASE * r;
        double cy = TRIANGLE_BASE_DROP * r;
        double d1 = cross(ax, ay, bx, by, dx, dy);
        double d2 = cross(bx, by, cx, cy, dx, dy);
        double d3 = cross(cx, cy, ax, ay, dx, dy);
        boolean anyNegative = d1 < 0 || d2 < 0 || d3 < 0;
        boolean anyPositive = d1 > 0 || d2 > 0 || d3 > 0;
        return !(anyNegative && anyPositive);
    }

    private static double cross(double x1, double y1, double x2, double y2, double px, double py) {
        return (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
    }

    /** Even-odd ray casting against the 10-vertex star outline (a simple polygon, so nonzero agrees). */
    private static boolean insideStar(double r, double dx, double dy) {
        int n = STAR_UNIT_X.length;
        boolean in = false;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double xi = STAR_UNIT_X[i] * r;
            double yi = STAR_UNIT_Y[i] * r;
            double xj = STAR_UNIT_X[j] * r;
            double yj = STAR_UNIT_Y[j] * r;
            if ((yi > dy) != (yj > dy) && dx < xj + (dy - yj) * (xi - xj) / (yi - yj)) {
                in = !in;
            }
        }
        return in;
    }

    private static final double[] STAR_UNIT_X = new double[10];
    private static final double[] STAR_UNIT_Y = new double[10];

    static {
        // Tips on even indices at radius 1, starting straight up (negative y); inner corners between.
        for (int i = 0; i < 10; i++) {
            double angle = -StrictMath.PI / 2 + i * StrictMath.PI / 5;
            double radius = (i % 2 == 0) ? 1.0 : STAR_INNER;
            STAR_UNIT_X[i] = radius * StrictMath.cos(angle);
            STAR_UNIT_Y[i] = radius * StrictMath.sin(angle);
        }
    }
}
