package dev.vscan.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.checkpoint.BuiltinModel;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import dev.vscan.synth.QuestionFamily;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regression guard for the model the service ships and the engine that runs it: held-out questions it
 * answers right today with all visual tokens, and a few it answers right under VScan. docs/ACCURACY.md has
 * the measured accuracy; this is not the benchmark.
 */
class ShippedModelTest {

    /** Position of a held-out question within its family (SyntheticDataset#heldOut) and its answer. */
    private record Pin(QuestionFamily family, int index, String answer) {}

    private static final List<Pin> PINS = List.of(
            new Pin(QuestionFamily.COLOUR, 1, "blue"),
            new Pin(QuestionFamily.COLOUR, 2, "yellow"),
            new Pin(QuestionFamily.COUNT, 0, "1"),
            new Pin(QuestionFamily.COUNT, 1, "0"),
            new Pin(QuestionFamily.POSITION, 1, "right"),
            new Pin(QuestionFamily.POSITION, 18, "top"),
            new Pin(QuestionFamily.GLYPH, 0, "5"),
            new Pin(QuestionFamily.GLYPH, 1, "5"),
            new Pin(QuestionFamily.EXISTS, 1, "yes"),
            new Pin(QuestionFamily.EXISTS, 3, "no"),
            new Pin(QuestionFamily.COMPARE, 0, "second"),
            new Pin(QuestionFamily.COMPARE, 1, "first"));

    @Test
    void answersPinnedHeldOutQuestionsRight(@TempDir Path dir) {
        assertAnswers(dir, PINS, pipeline -> ReductionPlan.none());
    }

    /** Corner digits VScan at a third of the tokens reads right when kept tokens keep their positions. */
    private static final List<Pin> ORIGINAL_POSITION_PINS = List.of(
            new Pin(QuestionFamily.GLYPH, 5, "3"),
            new Pin(QuestionFamily.GLYPH, 6, "1"),
            new Pin(QuestionFamily.GLYPH, 8, "3"));

    @Test
    void readsPinnedCornerDigitsUnderVScanWithOriginalPositions(@TempDir Path dir) {
        assertAnswers(dir, ORIGINAL_POSITION_PINS, pipeline -> ReductionPlan.of(
                ReductionConfig.fraction(ReductionMethod.VSCAN, 1 / 3.0).withPositions(VisualPositions.ORIGINAL),
                pipeline.model().config(), 1));
    }

    private static void assertAnswers(Path dir, List<Pin> pins, Function<LlavaPipeline, ReductionPlan> plan) {
        List<VisualQuestion> heldOut = new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, 112).heldOut(PER_FAMILY);
        try (LlavaPipeline pipeline = LlavaPipeline.load(BuiltinModel.install(dir), EngineOptions.parse("cpu"),
                ImageLimits.defaults())) {
            AccuracyEvaluator evaluator = new AccuracyEvaluator(pipeline, 1);
            for (Pin pin : pins) {
                VisualQuestion question = heldOut.get(pin.family().ordinal() * PER_FAMILY + pin.index());
                assertEquals(pin.answer(), question.answer(), "the pin names the expected answer");
                String answer = evaluator.answer(question, evaluator.pixels(question), plan.apply(pipeline));
                assertEquals(pin.answer(), AccuracyEvaluator.normalise(answer), question.question());
            }
        }
    }

    private static final int PER_FAMILY = 20;
}
