package dev.vscan.bench;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.ProcessMemory;
import dev.vscan.model.TestModels;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.KvBudget;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.SequenceListener;
import dev.vscan.model.image.ImageLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Memory of one answer of a fixed length: the process's peak resident set, malloc's peak bytes in use
 * (sampled after every token; libtorch's CPU tensors come from malloc) and the KV cache's own size.
 * One JVM per length, so the peaks are that length's: run it through bench/memory.sh.
 *
 * <p>Arguments: {@code --tokens N [--preset small]}; prints one Markdown row.
 */
public final class MemoryBenchmark {

    private MemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int tokens = Integer.parseInt(BenchOptions.option(args, "--tokens", "16"));
        String preset = BenchOptions.option(args, "--preset", "small");
        Path dir = Path.of("target", "bench", preset + "-seed0");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.parse(preset), 0);
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            int size = pipeline.model().config().vision().imageSize();
            GenerationRequest request = pipeline.request("describe the picture in detail .",
                    List.of(TestModels.png(100, size, size)), SamplingParams.greedy(tokens).ignoringEos(),
                    VisualTokenReducer.NONE, SequencePruner.NONE);
            long[] nativePeak = {ProcessMemory.nativeBytesInUse()};
            long[] cacheTokens = new long[1];
            GenerationOutput[] output = new GenerationOutput[1];
            try (RunningBatch batch = new RunningBatch(pipeline.model())) {
                batch.admit(List.of(new RunningBatch.Admission(request, new SequenceListener() {
                    @Override
                    public void onToken(long token) {
                        nativePeak[0] = Math.max(nativePeak[0], ProcessMemory.nativeBytesInUse());
                    }

                    @Override
                    public void onFinished(GenerationOutput out) {
                        output[0] = out;
                    }
                })));
                cacheTokens[0] = batch.cachedTokens();
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            long cacheBytes = cacheTokens[0] * KvBudget.bytesPerToken(pipeline.model().config().text(),
                    pipeline.model().options().dtype());
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.1f |%n", output[0].tokens().length,
                    output[0].promptTokens(), ProcessMemory.peakResidentBytes() / 1e6, nativePeak[0] / 1e6,
                    cacheBytes / 1e6, output[0].timings().decodeMillis() / Math.max(1, output[0].tokens().length - 1));
        }
    }
}
