package dev.vscan.synth;

/** The kinds of question the dataset asks; each tests one visual skill. */
public enum QuestionFamily {
    COLOUR("colour", 1),
    COUNT("count", 1),
    POSITION("position", 1),
    GLYPH("glyph", 1),
    EXISTS("exists", 1),
    COMPARE("compare", 2);

    private final String jsonName;
    private final int images;

    QuestionFamily(String jsonName, int images) {
        this.jsonName = jsonName;
        this.images = images;
    }

    /** The family's name in reports and JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** How many images a question of this family shows. */
    public int images() {
        return images;
    }
}
