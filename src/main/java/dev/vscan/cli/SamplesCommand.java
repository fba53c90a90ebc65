package dev.vscan.cli;

import dev.vscan.evaluation.SampleWriter;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.image.ImageLimits;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code samples --model DIR --out DIR [--per-family N]}: held-out images, questions and the model's answers. */
final class SamplesCommand {

    private SamplesCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, Set.of("model", "out", "per-family"), Set.of());
        Path model = Path.of(a.required("model"));
        Path dir = Path.of(a.required("out"));
        int perFamily = a.integer("per-family", 2);
        if (perFamily < 1) {
            throw new UsageException("--per-family " + perFamily + " must be at least 1");
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(model, EngineOptions.parse("cpu"), ImageLimits.defaults())) {
            int written = SampleWriter.write(pipeline, dir, perFamily).size();
            out.println("wrote " + written + " samples to " + dir);
        }
        return Main.OK;
    }
}
