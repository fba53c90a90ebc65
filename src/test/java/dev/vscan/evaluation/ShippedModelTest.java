package dev.vscan.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.checkpoint.BuiltinModel;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.synth.QuestionFamily;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regression guard for the model the service ships and the engine that runs it: held-out questions it
 * answers right today with all visual tokens. docs/ACCURACY.md has the measured accuracy; this is not the
 * benchmark.
 */
class ShippedModelTest {

    /** Position of a held-out question within its family (SyntheticDataset#heldOut) and its answer. */
    private record Pin(QuestionFamily family, int index, String answer) {}

    private static final List<Pin> PINS = List.of(
            new Pin(QuestionFamily.COLOUR, 1, "blue"),
            new Pin(QuestionFamily.COLOUR, 6, "red"),
            new Pin(QuestionFamily.COUNT, 1, "0"),
            new Pin(QuestionFamily.COUNT, 3, "3"),
            new Pin(QuestionFamily.POSITION, 1, "right"),
            new Pin(QuestionFamily.POSITION, 2, "top"),
            new Pin(QuestionFamily.GLYPH, 2, "7"),
            new Pin(QuestionFamily.GLYPH, 5, "3"),
            new Pin(QuestionFamily.EXISTS, 1, "yes"),
            new Pin(QuestionFamily.EXISTS, 3, "no"),
            new Pin(QuestionFamily.COMPARE, 0, "second"),
            new Pin(QuestionFamily.COMPARE, 3, "first"));

    @Test
    void answersPinnedHeldOutQuestionsRight(@TempDir Path dir) {
        List<VisualQuestion> heldOut = new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, 112).heldOut(PER_FAMILY);
        try (LlavaPipeline pipeline = LlavaPipeline.load(BuiltinModel.install(dir), EngineOptions.parse("cpu"),
                ImageLimits.defaults())) {
            AccuracyEvaluator evaluator = new AccuracyEvaluator(pipeline, 1);
            for (Pin pin : PINS) {
                VisualQuestion question = heldOut.get(pin.family().ordinal() * PER_FAMILY + pin.index());
                assertEquals(pin.answer(), question.answer(), "the pin names the expected answer");
                String answer = evaluator.answer(question, evaluator.pixels(question));
                assertEquals(pin.answer(), AccuracyEvaluator.normalise(answer), question.question());
            }
        }
    }

    private static final int PER_FAMILY = 20;
}
