package dev.vscan.cli;

import dev.vscan.model.checkpoint.QwenCheckpointGenerator;
import dev.vscan.model.checkpoint.QwenCheckpointPreset;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code tiny-checkpoint DIR [--family llava|llava_next|qwen2_5_vl] [--preset tiny|small|shapes] [--seed N]};
 * qwen2_5_vl has the tiny and small presets.
 */
final class TinyCheckpointCommand {

    private TinyCheckpointCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, Set.of("family", "preset", "seed"), Set.of());
        if (a.positional().size() != 1) {
            throw new UsageException("tiny-checkpoint needs exactly one directory argument");
        }
        Path dir = Path.of(a.positional().get(0));
        String presetName = a.string("preset", "tiny");
        long seed = a.longValue("seed", 0);
        String family = a.string("family", "llava");
        switch (family) {
            case "llava" -> TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.parse(presetName), seed);
            case "llava_next" -> TinyCheckpointGenerator.generateNext(dir, TinyCheckpointPreset.parse(presetName), seed);
            case "qwen2_5_vl" -> QwenCheckpointGenerator.generate(dir, QwenCheckpointPreset.parse(presetName), seed);
            default -> throw new UsageException("unknown --family '" + family
                    + "'; choose llava, llava_next or qwen2_5_vl");
        }
        out.println("wrote " + presetName + " " + family + " checkpoint (seed " + seed + ") to " + dir);
        return Main.OK;
    }
}
