package dev.vscan.cli;

import dev.vscan.evaluation.AccuracyEvaluator;
import dev.vscan.evaluation.AccuracyReport;
import dev.vscan.evaluation.EvaluatedMethod;
import dev.vscan.evaluation.MethodGrid;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.evaluation.MethodResult;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.synth.QuestionFamily;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code eval --model DIR --questions N [--methods a,b] [--fractions f,g] [--positions p,q] [--batch N]
 * [--plot FILE] [--markdown FILE] [--json]}:
 * accuracy of each reduction method on held-out synthetic questions, spread evenly over the families.
 * Without --methods, --fractions and --positions, every method runs at the paper's budgets under both
 * position settings; with any of them, positions default to the published ("reference") convention.
 */
final class EvalCommand {

    private EvalCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, Set.of("model", "questions", "methods", "fractions", "positions", "batch", "plot",
                "markdown", "device"),
                Set.of("json"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("eval takes no positional arguments");
        }
        Path model = Path.of(a.required("model"));
        int questions = a.integer("questions", 300);
        if (questions < QuestionFamily.values().length) {
            throw new UsageException("--questions " + questions + " is below one question per family ("
                    + QuestionFamily.values().length + ")");
        }
        List<EvaluatedMethod> grid = grid(a);
        int perFamily = questions / QuestionFamily.values().length;
        int imageSize;
        EngineOptions engine = EngineOptions.parse(a.string("device", "cpu"));
        try (LlavaPipeline pipeline = LlavaPipeline.load(model, engine, ImageLimits.defaults())) {
            imageSize = pipeline.model().config().vision().imageSize();
            List<VisualQuestion> heldOut = new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, imageSize)
                    .heldOut(perFamily);
            List<MethodResult> results = new AccuracyEvaluator(pipeline, a.integer("batch", 8))
                    .evaluate(heldOut, grid);
            AccuracyReport report = new AccuracyReport(model.toString(), SyntheticDataset.HELD_OUT_SEED, results);
            String plot = a.string("plot", null);
            if (plot != null) {
                report.plot(Path.of(plot));
            }
            String markdown = a.string("markdown", null);
            if (markdown != null) {
                writeString(Path.of(markdown), table(heldOut.size(), report, results));
            }
            out.print(a.flag("json") ? report.json() + "\n" : table(heldOut.size(), report, results));
        }
        return Main.OK;
    }

    private static String table(int questions, AccuracyReport report, List<MethodResult> results) {
        List<String> families = new ArrayList<>();
        for (QuestionFamily f : QuestionFamily.values()) {
            families.add(f.jsonName());
        }
        StringBuilder s = new StringBuilder(questions + " held-out questions (seed " + SyntheticDataset.HELD_OUT_SEED
                + ")\n\n");
        s.append(report.markdown(families));
        results.stream().filter(r -> !r.note().isEmpty()).map(r -> "\n- (*) " + r.displayName() + "@"
                + Math.round(r.budgetFraction() * 100) + "%: " + r.note()).distinct().forEach(s::append);
        return s.append("\n").toString();
    }

    private static void writeString(Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<EvaluatedMethod> grid(Arguments a) {
        String methods = a.string("methods", null);
        String fractions = a.string("fractions", null);
        String positions = a.string("positions", null);
        if (methods == null && fractions == null && positions == null) {
            return MethodGrid.standard();
        }
        List<ReductionMethod> chosen = new ArrayList<>();
        if (methods == null) {
            chosen.add(ReductionMethod.NONE);
            chosen.addAll(MethodGrid.ALL_REDUCTIONS);
        } else {
            for (String name : methods.split(",")) {
                chosen.add(ReductionMethod.parse(name.trim()));
            }
        }
        List<Double> shares = new ArrayList<>();
        if (fractions == null) {
            shares.addAll(MethodGrid.PAPER_FRACTIONS);
        } else {
            for (String f : fractions.split(",")) {
                try {
                    shares.add(Double.parseDouble(f.trim()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--fractions needs numbers in (0, 1], got '" + f.trim() + "'");
                }
            }
        }
        List<VisualPositions> settings = new ArrayList<>();
        for (String p : (positions == null ? "reference" : positions).split(",")) {
            settings.add(VisualPositions.parse(p.trim()));
        }
        return MethodGrid.of(chosen, shares, settings);
    }
}
