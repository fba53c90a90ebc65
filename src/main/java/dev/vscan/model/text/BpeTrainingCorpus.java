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

    private static final String WORD_LIST = """
            able about above across action actually add after again against age ago agree air all almost alone
            along already also although always among amount angle animal another answer any anyone anything
            appear apple area arm around arrange art ask asleep attention average away baby back background
            bag balance ball banana band bank bar base basket bat bathroom beach bear beautiful because become
            bed bedroom before begin behind believe bell belt bench beneath best better beyond bicycle bike
            billboard bird birthday blank blanket block blurry board body book border both bottle bowl box boy
            branch bread break breakfast brick bridge bring broken brush bucket build building burger bus bush
            butterfly button buy cabinet cake calendar call camera can candle cap capital caption card care
            carpet carry case castle catch ceiling chair change character chart check cheese chess chicken
            child children chocolate choose church city class clear climb clock close clothes coat coffee coin
            cold collect column come common computer contain continue cook cookie corner couch country cover
            cow crowd cup curtain curve cut dance date daughter day decide deep deer describe desk detail
            different difficult dinner direction dirty dish distance divide door double down draw drawing dress
            drink drive drop during each early earth east easy eat egg either elephant else empty end enough
            enter entire equal even evening every everyone everything exactly example except expect explain
            face fact fall family far farm fast father feature feel fence field fill final finger finish fire
            flag flat floor flower fly follow food foot forest fork form forward frame free fresh friend front
            fruit full game garden gate general giraffe girl give glass glasses go good grass ground group grow
            guess guitar hair half hall hand handle happen happy hard hat have head hear height help here hidden
            high hill hold hole home horse hot hour however human hungry ice idea identify include indoor
            information instead interest island item jacket jump just keep key kind king kitchen kite knife know
            label lake lamp land language laptop late later laugh layer lead leaf learn least leave leg less
            letter level light like likely list listen live lot low machine main make man many map mark market
            match material may mean measure meat meet message metal mirror miss mode moment money monkey month
            more morning most mother motorcycle mountain mouse mouth move much mug must name nature near neck
            need never new newspaper night noise none north nose note nothing notice now number object ocean
            off office often old only open opposite order other outdoor over own page paint painting pair paper
            park part pass path pattern pen pencil people person phone pick piece pillow pizza place plane plant
            plate play please point pole possible pot present pretty print problem pull push put quarter queen
            question quick quiet quite rain rather reach read ready real reason record region remember repeat
            rest restaurant result return rice river road rock roof room rope round rule run sand sandwich say
            school screen sea season seat see seem sentence set shadow shape share sheep shelf shine ship shirt
            shoe shop should show side sign sink sit sky sleep slow snow sofa soft soldier some something
            sometimes son song soon sound south space speak special sport spring stand start station stay step
            stick still stone stop store story straight street strong student study such summer surface
            surround table take talk teacher team tell than thing think those though through ticket tie time
            toilet tomato tool tooth toward towel tower town toy track traffic train travel tray tree truck
            true try turn umbrella uncle until up use usually vase vegetable vehicle very view village visible
            visit voice wait walk wall want warm wash watch water wave way wear weather week well west what
            wheel when where which while who whole why will wind window wing winter with without woman wonder
            wood word work world write year young zebra zoo
            """;

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
        // General words once each with a leading space, capitalised and in the plural, as they appear
        // inside sentences, so larger vocabularies learn them too.
        for (String word : WORD_LIST.trim().split("\\s+")) {
            String capital = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            lines.add(capital + " and the " + word + ", two " + plural(word) + ".");
        }
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
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        if (noun.length() > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        return noun + "s";
    }
}
