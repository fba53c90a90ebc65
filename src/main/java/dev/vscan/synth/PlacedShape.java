package dev.vscan.synth;

import java.util.Objects;

/**
 * One shape in a scene. Every kind is drawn inside the square of half-side {@code radius} around its
 * centre, so that square is the shape's bounding box.
 */
public record PlacedShape(ShapeKind kind, Colour colour, int centreX, int centreY, int radius) {

    public PlacedShape {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(colour, "colour");
        if (radius < 1) {
            throw new IllegalArgumentException("shape radius must be at least 1 px, got " + radius);
        }
    }

    public int minX() {
        return centreX - radius;
    }

    public int maxX() {
        return centreX + radius;
    }

    public int minY() {
        return centreY - radius;
    }

    public int maxY() {
        return centreY + radius;
    }
}
