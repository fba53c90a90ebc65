package dev.vscan.bench;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prefill time and decode throughput of the engine on a generated checkpoint, per batch size.
 * Not a test: run it through bench/engine.sh. Each configuration is warmed up, then measured
 * several times; the median is reported.
 *
 * <p>Arguments: {@code [--preset small] [--batches 1,4] [--iterations 5] [--new-tokens 16] [--device cpu]}
 */
public final class EngineBenchmark {

    private EngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String preset = BenchOptions.option(args, "--preset", "small");
        int[] batches = Arrays.stream(BenchOptions.option(args, "--batches", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int iterations = Integer.parseInt(BenchOptions.option(args, "--iterations", "5"));
        int newTokens = Integer.parseInt(BenchOptions.option(args, "--new-tokens", "16"));
        EngineOptions device = EngineOptions.parse(BenchOptions.option(args, "--device", "cpu"));

        Path dir = Path.of("target", "bench", preset + "-seed0");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.parse(preset), 0);
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(dir, device, ImageLimits.defaults())) {
            int size = pipeline.model().config().vision().imageSize();
            System.out.printf(Locale.ROOT, "preset %s on %s, %d iterations, %d new tokens%n", preset,
                    device.device(), iterations, newTokens);
            System.out.println("| batch | visual tokens/request | prompt tokens/request | vision ms | prefill ms (LLM) "
                    + "| prefill ms per request | decode tokens/s | decode ms/step |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int batch : batches) {
                List<GenerationRequest> requests = new ArrayList<>();
                for (int r = 0; r < batch; r++) {
                    requests.add(pipeline.request("what colour is the big circle on the left ?",
                            List.of(TestModels.png(100 + r, size, size)), new SamplingParams(newTokens, 0, 1, 0),
                            VisualTokenReducer.NONE, SequencePruner.NONE));
                }
                pipeline.generator().generate(requests);
                double[] vision = new double[iterations];
                double[] prefill = new double[iterations];
                double[] decodeRate = new double[iterations];
                double[] stepMs = new double[iterations];
                GenerationOutput sample = null;
                for (int i = 0; i < iterations; i++) {
                    List<GenerationOutput> outputs = pipeline.generator().generate(requests);
                    sample = outputs.get(0);
                    vision[i] = sample.timings().visionMillis();
                    prefill[i] = sample.timings().prefillMillis();
                    int steps = 0;
                    int tokens = 0;
                    for (GenerationOutput o : outputs) {
                        steps = Math.max(steps, o.tokens().length - 1);
                        tokens += o.tokens().length - 1;
                    }
                    decodeRate[i] = tokens / (sample.timings().decodeMillis() / 1000);
                    stepMs[i] = sample.timings().decodeMillis() / Math.max(1, steps);
                }
                System.out.printf(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", batch,
                        sample.visualTokensAfterStage1(), sample.promptTokens(), BenchOptions.median(vision), BenchOptions.median(prefill),
                        BenchOptions.median(prefill) / batch, BenchOptions.median(decodeRate), BenchOptions.median(stepMs));
            }
        }
    }
}
