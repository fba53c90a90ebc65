package dev.vscan.model.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A small English corpus about pictures of shapes: hand-written sentences plus template questions and
 * answers over lists of colours, shapes, sizes, positions and numbers. Template sentences make the words a
 * visual question answering prompt uses most frequent, so BPE turns them into single tokens first.
 */
final class BpeTrainingCorpus {

    static final List<String> COLOURS = List.of("red", "blue", "green", "yellow", "orange", "purple", "pink",
            "brown", "black", "white", "grey", "gray", "cyan", "magenta", "violet", "teal", "gold", "silver");

    static final List<String> SHAPES = List.of("circle", "square", "triangle", "rectangle", "star", "hexagon",
            "pentagon", "octagon", "diamond", "oval", "ellipse", "heart", "cross", "arrow", "line", "dot",
            "ring", "cube", "sphere", "cone", "cylinder", "pyramid");

    static final List<String> SIZES = List.of("big", "small", "large", "tiny", "huge", "little", "medium",
            "tall", "short", "wide", "narrow", "long");

    static final List<String> POSITIONS = List.of("left", "right", "top", "bottom", "middle", "centre",
            "center", "corner", "edge", "top left", "top right", "bottom left", "bottom right");

    static final List<String> NUMBER_WORDS = List.of("zero", "one", "two", "three", "four", "five", "six",
            "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
            "eighty", "ninety", "hundred", "thousand");

    static final List<String> ORDINALS = List.of("first", "second", "third", "fourth", "fifth", "sixth",
            "seventh", "eighth", "ninth", "tenth", "last", "next", "previous");

    private static final String HAND_WRITTEN = """
            The image shows a big red circle on the left and a small blue square on the right.
            What colour is the big circle? The big circle is red.
            How many red squares are there? There are two red squares.
            Is there a star in the picture? Yes, there is a yellow star at the top.
            Is there a green triangle? No, there is no green triangle.
            Where is the small square? It is in the bottom right corner of the image.
            Which shape is above the circle? A purple hexagon is above the circle.
            Count the shapes in the image. I can see seven shapes: three circles, two squares and two stars.
            Describe the picture in one sentence. Several coloured shapes are scattered on a white background.
            What is the first shape from the left? The first shape from the left is an orange oval.
            What is the second shape? The second shape is a black diamond.
            Are the two circles the same size? No, one circle is bigger than the other.
            Is the triangle bigger or smaller than the square? The triangle is smaller than the square.
            What is between the star and the heart? A grey arrow points from the star to the heart.
            Answer with yes or no. Answer with a single word. Answer with a number.
            Please look at the photo carefully and tell me what you see.
            USER: What is in this image? ASSISTANT: A drawing of shapes and lines.
            The letters are a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y and z.
            The digits are 0, 1, 2, 3, 4, 5, 6, 7, 8 and 9; 10 + 5 = 15 and 3 x 4 = 12.
            The grid has 4 rows and 4 columns, 16 cells in all; row 2, column 3 holds a dot.
            Objects: a cat, a dog, a bird, a fish, a tree, a house, a car, a boat, a sun, a moon, a cloud.
            The scene is bright, dark, empty, crowded, simple, busy, clean, noisy, smooth or rough.
            Some shapes overlap, some touch, some are far apart and some are close together.
            Shapes can be filled, hollow, striped, dotted, shaded, outlined, rotated or mirrored.
            The colours are light, dark, pale, bright, vivid, dull, warm or cool.
            It is above, below, beside, behind, in front of, inside, outside, near, next to or under it.
            Look, find, count, compare, name, describe, locate, measure, sort and match the shapes.
            Question: how many sides does a hexagon have? Answer: a hexagon has six sides.
            A triangle has three corners, a square has four equal sides and a circle has no corners.
            The answer is correct. The answer is wrong. I am not sure. Maybe. Probably not.
            """;

    private BpeTrainingCorpus() {
    }

    /** The corpus lines, in a fixed order. */
    static List<String> lines() {
        List<String> lines = new ArrayList<>(HAND_WRITTEN.lines().toList());
        for (int c = 0; c < COLOURS.size(); c++) {
            String colour = COLOURS.get(c);
            for (int s = 0; s < SHAPES.size(); s++) {
                String shape = SHAPES.get(s);
                String size = SIZES.get((c + s) % SIZES.size());
                lines.add("What colour is the " + size + " " + shape + " ? The " + shape + " is " + colour + ".");
                lines.add("how many " + colour + " " + plural(shape) + " are there ?");
                lines.add("Is there a " + colour + " " + shape + "? yes");
            }
        }
        for (String shape : SHAPES) {
            for (String position : POSITIONS) {
                lines.add("is the " + shape + " on the " + position + " ? no, it is at the " + position + ".");
            }
            for (String size : SIZES) {
                lines.add("what is the " + size + " " + shape + " next to ?");
            }
        }
        for (int i = 0; i < NUMBER_WORDS.size(); i++) {
            lines.add("There are " + NUMBER_WORDS.get(i) + " shapes, so the answer is " + i + ".");
        }
        for (int i = 0; i < ORDINALS.size(); i++) {
            lines.add("The " + ORDINALS.get(i) + " image is number " + (i + 1) + " in the row.");
        }
        for (int n = 0; n <= 120; n++) {
            lines.add("count " + n + " dots, " + (n * 7) + " pixels and " + (n * 13 % 100) + " percent");
        }
        return lines;
    }

    private static String plural(String noun) {
        if (noun.endsWith("s") || noun.endsWith("x")) {
            return noun + "es";
        }
        return noun + "s";
    }
}
