package dev.vscan.cli;

import dev.vscan.model.config.ConfigException;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.weights.CheckpointException;
import java.io.PrintStream;
import dev.vscan.wire.InvalidRequestException;
import java.io.UncheckedIOException;

/**
 * Entry point: the model tools ({@code tiny-checkpoint}, {@code convert-checkpoint}, {@code generate}),
 * {@code train}, {@code eval}, {@code samples}, and {@code broker} (the embedded Kafka broker on its own).
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private static final String USAGE = String.join("\n",
            "usage:",
            "  tiny-checkpoint DIR [--family llava|llava_next|qwen2_5_vl] [--preset tiny|small|shapes] [--seed N]",
            "                  (qwen2_5_vl: --preset tiny|small)",
            "  train --out DIR [--steps N] [--batch N] [--seed N] [--lr X] [--warmup N] [--max-minutes M]",
            "        [--checkpoint-every N] [--caption-share X] [--caption-weight X] [--cls-digits]",
            "        [--no-patch-sides]",
            "  eval --model DIR [--questions N] [--methods a,b] [--fractions f,g] [--positions reference,original]",
            "       [--batch N] [--plot FILE] [--markdown FILE] [--json]",
            "  samples --model DIR --out DIR [--per-family N]",
            "  convert-checkpoint SRC DST [--layout llava-hf|transformers] [--shards N]",
            "  generate --model DIR --image FILE [--image FILE...] --prompt TEXT [--max-new-tokens N]",
            "           [--temperature T] [--top-p P] [--seed N] [--repetition-penalty X] [--ignore-eos]",
            "           [--device cpu|gpu] [--json]",
            "           [--reduction none|vscan|fastv|pdrop|visionzip|vscan-global|vscan-local|vscan-nomerge]",
            "           [--budget N | --fraction X | --r1 N --r2 N --layer K | --r1-ratio X --r2-ratio Y (Qwen2.5-VL)]",
            "           [--local-layer N] [--deep-layer N] [--windows N]",
            "           [--positions reference|original]",
            "  broker --data-dir DIR [--port N] [--sasl-user name:password ...] [--plaintext-port N]",
            "         [--partitions N] [--topics a,b,...] [--exit-with-parent]",
            "         (the embedded Kafka broker until stopped; prints 'listening on HOST:PORT' when ready)");

    private Main() {}

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        int status = run(args, System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                throw new UsageException("no command given; run 'help' for usage");
            }
            switch (args[0]) {
                case "tiny-checkpoint":
                    return TinyCheckpointCommand.run(args, out);
                case "convert-checkpoint":
                    return ConvertCheckpointCommand.run(args, out);
                case "generate":
                    return GenerateCommand.run(args, out);
                case "train":
                    return TrainCommand.run(args, out);
                case "eval":
                    return EvalCommand.run(args, out);
                case "samples":
                    return SamplesCommand.run(args, out);
                case "broker":
                    return BrokerCommand.run(args, out);
                case "help":
                case "--help":
                    out.println(USAGE);
                    return OK;
                default:
                    throw new UsageException("unknown command '" + args[0] + "'; run 'help' for usage");
            }
        } catch (RuntimeException e) {
            // Checkpoint, config, image and tokenizer errors name the file, tensor or limit at fault.
            err.println("error: " + e.getMessage());
            return isBadInput(e) ? BAD_INPUT : FAILED;
        }
    }

    private static boolean isBadInput(RuntimeException e) {
        return e instanceof UsageException || e instanceof IllegalArgumentException
                || e instanceof UncheckedIOException || e instanceof CheckpointException
                || e instanceof ConfigException || e instanceof InvalidImageException
                || e instanceof InvalidRequestException;
    }
}
