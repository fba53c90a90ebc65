package dev.vscan.synth;

import java.util.Optional;

/**
 * A dense description of a scene, quadrant by quadrant in reading order: the shape there (or "none")
 * and the digit in that corner. Training on it asks the decoder to read every region of the image in
 * turn, which single-word answers alone teach only slowly.
 */
public final class SceneCaption {

    /** The instruction that asks for a caption. */
    public static final String PROMPT = "describe the image.";

    private SceneCaption() {
    }

    /** For example {@code "top left: red circle, 3. top right: none, 7. bottom left: ... bottom right: ..., 9."}. */
    public static String describe(Scene scene) {
        StringBuilder text = new StringBuilder();
        for (Corner corner : Corner.values()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(corner.words()).append(": ")
                    .append(shapeIn(scene, corner).map(s -> s.colour().word() + " " + s.kind().word()).orElse("none"))
                    .append(", ").append(scene.glyphs().get(corner)).append('.');
        }
        return text.toString();
    }

    /** The shape whose centre lies in the corner's quadrant (the generator puts at most one there). */
    static Optional<PlacedShape> shapeIn(Scene scene, Corner corner) {
        int half = scene.size() / 2;
        return scene.shapes().stream()
                .filter(s -> (s.centreX() < half) == corner.isLeft() && (s.centreY() < half) == corner.isTop())
                .findFirst();
    }
}
