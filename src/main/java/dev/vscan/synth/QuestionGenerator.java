package dev.vscan.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds templated questions with balanced answers: the answer is drawn first and a scene is built to
 * fit it, so no answer value dominates a family and a model cannot win by guessing the prior.
 */
public final class QuestionGenerator {

    private final SceneGenerator scenes;

    public QuestionGenerator(SceneGenerator scenes) {
        this.scenes = scenes;
    }

    /** A question of the given family. */
    public VisualQuestion next(QuestionFamily family, SplittableRandom random) {
        return switch (family) {
            case COLOUR -> colour(random);
            case COUNT -> count(random);
            case POSITION -> position(random);
            case GLYPH -> glyph(random);
            case EXISTS -> exists(random);
            case COMPARE -> compare(random);
        };
    }

    /**
     * A question whose family is drawn with probability proportional to its weight; families missing
     * from the map get weight 0.
     */
    public VisualQuestion next(Map<QuestionFamily, Double> weights, SplittableRandom random) {
        return next(pick(weights, random), random);
    }

    /** The family chosen by weight, walking families in enum order so map iteration order cannot matter. */
    static QuestionFamily pick(Map<QuestionFamily, Double> weights, SplittableRandom random) {
        double total = 0;
        for (QuestionFamily family : QuestionFamily.values()) {
            double weight = weights.getOrDefault(family, 0.0);
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("family weight must be finite and >= 0, but "
                        + family.jsonName() + " has " + weight);
            }
            total += weight;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("at least one family weight must be positive, got " + weights);
        }
        double target = random.nextDouble() * total;
        QuestionFamily last = null;
        for (QuestionFamily family : QuestionFamily.values()) {
            double weight = weights.getOrDefault(family, 0.0);
            if (weight > 0) {
                last = family;
                target -= weight;
                if (target < 0) {
                    return family;
                }
            }
        }
        return last; // rounding left target at ~0: the last positive family
    }

    private VisualQuestion colour(SplittableRandom random) {
        Scene scene = scenes.next(random);
        PlacedShape shape = scene.shapes().get(random.nextInt(scene.shapes().size()));
        return new VisualQuestion(QuestionFamily.COLOUR, List.of(scene),
                "what colour is the " + shape.kind().word() + "?", shape.colour().word());
    }

    private VisualQuestion count(SplittableRandom random) {
        Colour colour = SceneGenerator.randomColour(random);
        int target = random.nextInt(SceneGenerator.MAX_SHAPES + 1);
        Scene scene = scenes.next(random, colour, target);
        return new VisualQuestion(QuestionFamily.COUNT, List.of(scene),
                "how many " + colour.word() + " shapes are there?", Integer.toString(target));
    }

    private VisualQuestion position(SplittableRandom random) {
        Scene scene = scenes.next(random);
        PlacedShape shape = scene.shapes().get(random.nextInt(scene.shapes().size()));
        String kind = shape.kind().word();
        int half = scene.size() / 2;
        if (random.nextBoolean()) {
            return new VisualQuestion(QuestionFamily.POSITION, List.of(scene),
                    "is the " + kind + " on the left or the right?", shape.centreX() < half ? "left" : "right");
        }
        return new VisualQuestion(QuestionFamily.POSITION, List.of(scene),
                "is the " + kind + " at the top or the bottom?", shape.centreY() < half ? "top" : "bottom");
    }

    private VisualQuestion glyph(SplittableRandom random) {
        Scene scene = scenes.next(random);
        Corner corner = Corner.values()[random.nextInt(Corner.values().length)];
        return new VisualQuestion(QuestionFamily.GLYPH, List.of(scene),
                "which digit is in the " + corner.words() + " corner?",
                Integer.toString(scene.glyphs().get(corner)));
    }

    /** Half "yes"; of the "no" half, one half shows the kind in another colour, the other omits it. */
    private VisualQuestion exists(SplittableRandom random) {
        ShapeKind kind = ShapeKind.values()[random.nextInt(ShapeKind.values().length)];
        Colour colour = SceneGenerator.randomColour(random);
        boolean yes = random.nextBoolean();
        boolean kindPresent = yes || random.nextBoolean();
        List<ShapeKind> others = new ArrayList<>(List.of(ShapeKind.values()));
        others.remove(kind);
        shuffle(others, random);
        int total = SceneGenerator.MIN_SHAPES
                + random.nextInt((kindPresent ? SceneGenerator.MAX_SHAPES : others.size())
                        - SceneGenerator.MIN_SHAPES + 1);
        List<ShapeKind> kinds = new ArrayList<>();
        List<Colour> colours = new ArrayList<>();
        if (kindPresent) {
            kinds.add(kind);
            colours.add(yes ? colour : SceneGenerator.randomColourExcept(colour, random));
        }
        for (ShapeKind other : others) {
            if (kinds.size() == total) {
                break;
            }
            kinds.add(other);
            colours.add(SceneGenerator.randomColour(random));
        }
        Scene scene = scenes.next(random, kinds, colours);
        return new VisualQuestion(QuestionFamily.EXISTS, List.of(scene),
                "is there a " + colour.word() + " " + kind.word() + "?", yes ? "yes" : "no");
    }

    /** Larger count uniform in 1-4, smaller uniform below it; the answer names the image with the larger. */
    private VisualQuestion compare(SplittableRandom random) {
        Colour colour = SceneGenerator.randomColour(random);
        int larger = 1 + random.nextInt(SceneGenerator.MAX_SHAPES);
        int smaller = random.nextInt(larger);
        boolean firstHasMore = random.nextBoolean();
        Scene first = scenes.next(random, colour, firstHasMore ? larger : smaller);
        Scene second = scenes.next(random, colour, firstHasMore ? smaller : larger);
        return new VisualQuestion(QuestionFamily.COMPARE, List.of(first, second),
                "which image has more " + colour.word() + " shapes, the first or the second?",
                firstHasMore ? "first" : "second");
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }
}
