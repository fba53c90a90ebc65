package dev.vscan.cli;

import dev.vscan.training.LlavaTrainer;
import dev.vscan.training.TrainingOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code train --out DIR [--steps N] [--batch N] [--seed N] [--lr X] [--warmup N] [--max-minutes M]
 * [--checkpoint-every N] [--caption-share X] [--caption-weight X] [--cls-digits]}: trains the built-in shapes model from scratch on CPU.
 */
final class TrainCommand {

    private TrainCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1,
                Set.of("out", "steps", "batch", "seed", "lr", "warmup", "max-minutes", "checkpoint-every",
                        "caption-share", "caption-weight"), Set.of("cls-digits", "no-patch-sides"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("train takes no positional arguments; give the output with --out DIR");
        }
        TrainingOptions d = TrainingOptions.defaults(Path.of(a.required("out")), a.integer("steps", 4600));
        TrainingOptions options = new TrainingOptions(d.output(), a.longValue("seed", d.seed()), d.steps(),
                a.integer("batch", d.batchSize()), (float) a.decimal("lr", d.learningRate()),
                a.integer("warmup", d.warmupSteps()), d.maxGradNorm(), d.presenceShare(), d.patchShare(),
                (float) a.decimal("caption-share", d.captionShare()),
                (float) a.decimal("caption-weight", d.captionWeight()), a.flag("cls-digits") || d.clsDigits(),
                d.patchSides() && !a.flag("no-patch-sides"),
                a.decimal("max-minutes", d.maxMinutes()), a.integer("checkpoint-every", d.checkpointEvery()),
                d.familyWeights());
        try (LlavaTrainer trainer = LlavaTrainer.fromScratch(options)) {
            trainer.run(out::println);
            out.println("trained " + trainer.stepsDone() + " steps (" + trainer.skippedSteps()
                    + " skipped as non-finite); checkpoint in " + options.output());
        }
        return Main.OK;
    }
}
