package dev.vscan.synth;

import java.util.List;
import java.util.Objects;

/** One question about one or more scenes, with its single expected answer. */
public record VisualQuestion(QuestionFamily family, List<Scene> scenes, String question, String answer) {

    public VisualQuestion {
        Objects.requireNonNull(family, "family");
        scenes = List.copyOf(scenes);
        if (scenes.size() != family.images()) {
            throw new IllegalArgumentException("a " + family.jsonName() + " question shows " + family.images()
                    + " image(s), got " + scenes.size());
        }
        if (question == null || question.isBlank() || answer == null || answer.isBlank()) {
            throw new IllegalArgumentException("question and answer must be non-blank, got question '"
                    + question + "' and answer '" + answer + "'");
        }
    }
}
