package dev.vscan.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QuestionGeneratorTest {

    private static final int N = 2000;

    private final QuestionGenerator generator = new QuestionGenerator(new SceneGenerator(112));

    @Test
    void colourAnswerIsThePixelColourAtTheShapeCentre() {
        Pattern template = Pattern.compile("what colour is the (\\w+)\\?");
        forEach(QuestionFamily.COLOUR, 120, q -> {
            PlacedShape shape = q.scenes().get(0).find(kind(match(template, q, 1))).orElseThrow();
            int pixel = new RenderedScene(q.scenes().get(0)).at(shape.centreX(), shape.centreY());
            assertEquals(colour(q.answer()).rgb(), pixel, q.toString());
        });
    }

    @Test
    void countAnswerIsTheNumberOfShapesShowingTheColour() {
        Pattern template = Pattern.compile("how many (\\w+) shapes are there\\?");
        forEach(QuestionFamily.COUNT, 120, q -> {
            Colour colour = colour(match(template, q, 1));
            assertEquals(Integer.parseInt(q.answer()), new RenderedScene(q.scenes().get(0)).countShapes(colour),
                    q.toString());
        });
    }

    @Test
    void positionAnswerMatchesWhereTheShapeIsDrawn() {
        Pattern template = Pattern.compile("is the (\\w+) (on the left or the right|at the top or the bottom)\\?");
        forEach(QuestionFamily.POSITION, 120, q -> {
            Scene scene = q.scenes().get(0);
            PlacedShape shape = scene.find(kind(match(template, q, 1))).orElseThrow();
            RenderedScene rendered = new RenderedScene(scene);
            assertEquals(shape.colour().rgb(), rendered.at(shape.centreX(), shape.centreY()));
            boolean horizontal = match(template, q, 2).contains("left");
            int half = scene.size() / 2;
            String expected = horizontal ? (shape.centreX() < half ? "left" : "right")
                    : (shape.centreY() < half ? "top" : "bottom");
            assertEquals(expected, q.answer(), q.toString());
            // The whole shape lies on the answered side: the other half shows none of its pixels there.
            java.awt.Rectangle otherHalf = switch (q.answer()) {
                case "left" -> new java.awt.Rectangle(half, 0, scene.size() - half, scene.size());
                case "right" -> new java.awt.Rectangle(0, 0, half, scene.size());
                case "top" -> new java.awt.Rectangle(0, half, scene.size(), scene.size() - half);
                default -> new java.awt.Rectangle(0, 0, scene.size(), half);
            };
            if (scene.count(shape.colour()) == 1) {
                assertTrue(!rendered.contains(otherHalf, shape.colour().rgb()), q.toString());
            }
        });
    }

    @Test
    void glyphAnswerIsTheOnlyDigitWhoseBitmapMatchesTheCorner() {
        Pattern template = Pattern.compile("which digit is in the (top left|top right|bottom left|bottom right) corner\\?");
        forEach(QuestionFamily.GLYPH, 120, q -> {
            String words = match(template, q, 1);
            Corner corner = java.util.Arrays.stream(Corner.values()).filter(c -> c.words().equals(words))
                    .findFirst().orElseThrow();
            RenderedScene rendered = new RenderedScene(q.scenes().get(0));
            int answer = Integer.parseInt(q.answer());
            for (int digit = 0; digit < 10; digit++) {
                assertEquals(digit == answer, rendered.glyphShows(corner, digit), q + " digit " + digit);
            }
        });
    }

    @Test
    void existsAnswerAgreesWithTheScene() {
        Pattern template = Pattern.compile("is there a (\\w+) (\\w+)\\?");
        forEach(QuestionFamily.EXISTS, 120, q -> {
            Scene scene = q.scenes().get(0);
            Colour colour = colour(match(template, q, 1));
            ShapeKind kind = kind(match(template, q, 2));
            assertEquals(scene.has(kind, colour) ? "yes" : "no", q.answer(), q.toString());
            scene.find(kind).ifPresent(shape -> assertEquals(shape.colour() == colour ? colour.rgb() : shape.colour().rgb(),
                    new RenderedScene(scene).at(shape.centreX(), shape.centreY())));
        });
    }

    @Test
    void compareAnswerNamesTheImageShowingMoreShapesOfTheColour() {
        Pattern template = Pattern.compile("which image has more (\\w+) shapes, the first or the second\\?");
        forEach(QuestionFamily.COMPARE, 120, q -> {
            Colour colour = colour(match(template, q, 1));
            int first = new RenderedScene(q.scenes().get(0)).countShapes(colour);
            int second = new RenderedScene(q.scenes().get(1)).countShapes(colour);
            assertNotEquals(first, second, q.toString());
            assertEquals(first > second ? "first" : "second", q.answer(), q.toString());
        });
    }

    @Test
    void answersAreBalancedWithinEachFamily() {
        assertBalanced(QuestionFamily.COLOUR, 5, 0.2);
        assertBalanced(QuestionFamily.COUNT, 5, 0.2);
        assertBalanced(QuestionFamily.POSITION, 4, 0.2);
        assertBalanced(QuestionFamily.GLYPH, 10, 0.3);
        assertBalanced(QuestionFamily.EXISTS, 2, 0.1);
        assertBalanced(QuestionFamily.COMPARE, 2, 0.1);
    }

    @Test
    void existsNoAnswersSplitBetweenWrongColourAndMissingKind() {
        Pattern template = Pattern.compile("is there a (\\w+) (\\w+)\\?");
        SplittableRandom random = new SplittableRandom(21);
        int wrongColour = 0;
        int missing = 0;
        for (int i = 0; i < N; i++) {
            VisualQuestion q = generator.next(QuestionFamily.EXISTS, random);
            if (q.answer().equals("no")) {
                if (q.scenes().get(0).find(kind(match(template, q, 2))).isPresent()) {
                    wrongColour++;
                } else {
                    missing++;
                }
            }
        }
        assertTrue(Math.abs(wrongColour - missing) < 0.2 * (wrongColour + missing),
                "wrong colour " + wrongColour + ", missing " + missing);
    }

    @Test
    void familiesAreDrawnByWeight() {
        Map<QuestionFamily, Double> weights = new EnumMap<>(QuestionFamily.class);
        weights.put(QuestionFamily.GLYPH, 3.0);
        weights.put(QuestionFamily.COUNT, 1.0);
        SplittableRandom random = new SplittableRandom(4);
        Map<QuestionFamily, Integer> seen = new EnumMap<>(QuestionFamily.class);
        for (int i = 0; i < N; i++) {
            seen.merge(generator.next(weights, random).family(), 1, Integer::sum);
        }
        assertEquals(2, seen.size(), seen.toString());
        assertTrue(Math.abs(seen.get(QuestionFamily.GLYPH) - 1500) < 100, seen.toString());
        assertThrows(IllegalArgumentException.class, () -> generator.next(Map.of(), random));
        assertThrows(IllegalArgumentException.class,
                () -> generator.next(Map.of(QuestionFamily.COUNT, -1.0), random));
    }

    private void assertBalanced(QuestionFamily family, int values, double tolerance) {
        SplittableRandom random = new SplittableRandom(family.ordinal() + 100);
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < N; i++) {
            answers.merge(generator.next(family, random).answer(), 1, Integer::sum);
        }
        assertEquals(values, answers.size(), family + " " + answers);
        double expected = (double) N / values;
        for (Map.Entry<String, Integer> entry : answers.entrySet()) {
            assertTrue(Math.abs(entry.getValue() - expected) <= tolerance * expected,
                    family + " answer '" + entry.getKey() + "' appears " + entry.getValue() + " times: " + answers);
        }
    }

    private void forEach(QuestionFamily family, int n, java.util.function.Consumer<VisualQuestion> check) {
        SplittableRandom random = new SplittableRandom(family.ordinal());
        for (int i = 0; i < n; i++) {
            VisualQuestion q = generator.next(family, random);
            assertEquals(family, q.family());
            assertEquals(family.images(), q.scenes().size());
            check.accept(q);
        }
    }

    private static String match(Pattern template, VisualQuestion q, int group) {
        Matcher m = template.matcher(q.question());
        assertTrue(m.matches(), "'" + q.question() + "' does not follow the template " + template);
        return m.group(group);
    }

    private static ShapeKind kind(String word) {
        return java.util.Arrays.stream(ShapeKind.values()).filter(k -> k.word().equals(word)).findFirst()
                .orElseThrow(() -> new AssertionError("no shape kind '" + word + "'"));
    }

    private static Colour colour(String word) {
        return java.util.Arrays.stream(Colour.values()).filter(c -> c.word().equals(word)).findFirst()
                .orElseThrow(() -> new AssertionError("no colour '" + word + "'"));
    }
}
