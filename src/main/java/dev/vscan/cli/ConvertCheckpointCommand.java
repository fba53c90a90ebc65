package dev.vscan.cli;

import dev.vscan.model.weights.CheckpointConverter;
import dev.vscan.model.weights.CheckpointLayout;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code convert-checkpoint SRC DST [--layout llava-hf|transformers] [--shards N]}. */
final class ConvertCheckpointCommand {

    private ConvertCheckpointCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, Set.of("layout", "shards"), Set.of());
        if (a.positional().size() != 2) {
            throw new UsageException("convert-checkpoint needs a source and a destination directory");
        }
        CheckpointLayout layout = parseLayout(a.string("layout", "transformers"));
        int shards = a.integer("shards", 1);
        if (shards < 1) {
            throw new UsageException("--shards must be at least 1, got " + shards);
        }
        Path src = Path.of(a.positional().get(0));
        Path dst = Path.of(a.positional().get(1));
        CheckpointConverter.convertLayout(src, dst, layout, shards);
        out.println("wrote " + dst + " in the " + layout + " layout, " + shards + " shard(s)");
        return Main.OK;
    }

    private static CheckpointLayout parseLayout(String name) {
        switch (name) {
            case "llava-hf":
                return CheckpointLayout.LLAVA_HF;
            case "transformers":
                return CheckpointLayout.TRANSFORMERS_V5;
            default:
                throw new UsageException("--layout must be llava-hf or transformers, got '" + name + "'");
        }
    }
}
