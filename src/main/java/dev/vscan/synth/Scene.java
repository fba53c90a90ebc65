package dev.vscan.synth;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A square image description: shapes of distinct kinds and one digit in every corner. Rendering it
 * is the job of {@link SceneRenderer}; the facts questions ask about are read from here.
 */
public record Scene(int size, List<PlacedShape> shapes, Map<Corner, Integer> glyphs) {

    public Scene {
        if (size < SceneGenerator.MIN_SIZE) {
            throw new IllegalArgumentException("scene size must be at least " + SceneGenerator.MIN_SIZE
                    + " px, got " + size);
        }
        shapes = List.copyOf(shapes);
        Set<ShapeKind> kinds = EnumSet.noneOf(ShapeKind.class);
        for (PlacedShape shape : shapes) {
            if (!kinds.add(shape.kind())) {
                throw new IllegalArgumentException("a scene holds one shape per kind, but "
                        + shape.kind().word() + " appears twice");
            }
        }
        Objects.requireNonNull(glyphs, "glyphs");
        for (Corner corner : Corner.values()) {
            Integer digit = glyphs.get(corner);
            if (digit == null || digit < 0 || digit > 9) {
                throw new IllegalArgumentException("every corner needs a digit 0-9, but " + corner.words()
                        + " has " + digit);
            }
        }
        glyphs = Collections.unmodifiableMap(new EnumMap<>(glyphs));
    }

    /** How many shapes have the colour. */
    public int count(Colour colour) {
        return (int) shapes.stream().filter(s -> s.colour() == colour).count();
    }

    /** The shape of the kind, if the scene has one. */
    public Optional<PlacedShape> find(ShapeKind kind) {
        return shapes.stream().filter(s -> s.kind() == kind).findFirst();
    }

    /** Whether the scene has a shape of this kind in this colour. */
    public boolean has(ShapeKind kind, Colour colour) {
        return find(kind).map(s -> s.colour() == colour).orElse(false);
    }

    /**
     * Multi-hot (kind, colour) presence, for auxiliary losses or probes: index
     * {@code kind.ordinal() * Colour.values().length + colour.ordinal()} is 1 where such a shape exists.
     */
    public float[] presence() {
        return presence(false);
    }

    /** Length of {@link #presence(boolean)}: 20 shape-colour pairs, plus 10 digits if asked. */
    public static int presenceLength(boolean withDigits) {
        return ShapeKind.values().length * Colour.values().length + (withDigits ? 10 : 0);
    }

    /**
     * {@link #presence()}, followed with {@code withDigits} by ten entries more: entry 20 + d is 1 where
     * some corner shows digit d.
     */
    public float[] presence(boolean withDigits) {
        int colours = Colour.values().length;
        int pairs = ShapeKind.values().length * colours;
        float[] hot = new float[presenceLength(withDigits)];
        for (PlacedShape shape : shapes) {
            hot[shape.kind().ordinal() * colours + shape.colour().ordinal()] = 1f;
        }
        if (withDigits) {
            for (int digit : glyphs.values()) {
                hot[pairs + digit] = 1f;
            }
        }
        return hot;
    }
}
