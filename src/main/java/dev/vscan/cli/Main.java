package dev.vscan.cli;

import dev.vscan.model.config.ConfigException;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.weights.CheckpointException;
import java.io.PrintStream;
import dev.vscan.wire.InvalidRequestException;
import java.io.UncheckedIOException;

/**
 * Entry point: the model tools ({@code tiny-checkpoint}, {@code convert-checkpoint}, {@code generate}),
 * {@code train}, {@code eval}, {@code samples}, {@code broker} (the embedded Kafka broker on its own), and the
 * service's clients {@code send} and {@code follow}. {@code bin/vscan} runs it on the packaged application.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

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
            if (args.length == 2 && args[1].equals("--help") && !args[0].equals("help")) {
                out.println(Usage.of(args[0]));
                return OK;
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
                case "send":
                    return SendCommand.run(args, out);
                case "follow":
                    return FollowCommand.run(args, out);
                case "help":
                case "--help":
                case "-h":
                    out.println(args.length > 1 ? Usage.of(args[1]) : Usage.all());
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
