package dev.vscan.bench;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.TestModels;
import dev.vscan.model.checkpoint.QwenCheckpointGenerator;
import dev.vscan.model.checkpoint.QwenCheckpointPreset;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prefill cost of VScan and FastV on Qwen2.5-VL side by side, in one run: no reduction, then each
 * method at the paper's three shares of the visual tokens (33.3 / 22.2 / 11.1 %, LLaVA's 192 / 128 / 64
 * of 576), with a 640x480 image per request (the small preset's processor makes it 391 merged tokens).
 * Not a test: run bench/reduction.sh --family qwen2_5_vl.
 *
 * <p>Arguments: {@code [--preset small] [--batches 1,4] [--iterations 3]}
 */
public final class QwenReductionBenchmark {

    private QwenReductionBenchmark() {}

    private record Row(String method, String share, int batch, double visionMs, double prefillMs, double flopsRatio,
            int stage1, int stage2) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String preset = BenchOptions.option(args, "--preset", "small");
        int[] batches = Arrays.stream(BenchOptions.option(args, "--batches", "1,4").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int iterations = Integer.parseInt(BenchOptions.option(args, "--iterations", "3"));
        Path dir = Path.of("target", "bench", "qwen-" + preset + "-seed0");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            QwenCheckpointGenerator.generate(dir, QwenCheckpointPreset.parse(preset), 0);
        }
        try (QwenPipeline pipeline = QwenPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            QwenImage sample = pipeline.images().preprocess(TestModels.png(100, 640, 480));
            System.out.printf(Locale.ROOT, "preset %s (qwen2_5_vl): %d merged visual tokens per image, %d decoder"
                    + " layers, %d iterations%n", preset, sample.tokens(),
                    pipeline.model().languageConfig().text().numHiddenLayers(), iterations);
            for (int batch : batches) {
                List<Row> rows = new ArrayList<>();
                rows.add(measure(pipeline, ReductionConfig.none(), "-", batch, iterations));
                for (int paper : ReductionConfig.PAPER_BUDGETS) {
                    double share = paper / (double) ReductionConfig.REFERENCE_TOKENS;
                    String label = String.format(Locale.ROOT, "%.1f%%", 100 * share);
                    for (ReductionMethod m : List.of(ReductionMethod.VSCAN, ReductionMethod.FASTV)) {
                        try {
                            rows.add(measure(pipeline, ReductionConfig.fraction(m, share), label, batch, iterations));
                        } catch (IllegalArgumentException e) {
                            System.out.printf(Locale.ROOT, "skipped %s at %s: %s%n", m.wireName(), label,
                                    e.getMessage());
                        }
                    }
                }
                print(rows);
            }
        }
    }

    private static Row measure(QwenPipeline pipeline, ReductionConfig reduction, String share, int batch,
            int iterations) {
        QwenVlModel model = pipeline.model();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int r = 0; r < batch; r++) {
            QwenImage image = pipeline.images().preprocess(TestModels.png(100 + r, 640, 480));
            ReductionPlan plan = ReductionPlan.ofQwen(reduction, model.visionConfig(),
                    model.languageConfig().text().numHiddenLayers(), new int[] {image.tokens()});
            requests.add(pipeline.request("what colour is the big circle on the left ?", List.of(image),
                    SamplingParams.greedy(1), plan.scoredReducer(), plan.pruner()));
        }
        pipeline.generator().generate(requests);
        double[] vision = new double[iterations];
        double[] prefill = new double[iterations];
        GenerationOutput out = null;
        for (int i = 0; i < iterations; i++) {
            out = pipeline.generator().generate(requests).get(0);
            vision[i] = out.timings().visionMillis() + out.timings().reductionMillis();
            prefill[i] = out.timings().prefillMillis();
        }
        EfficiencyReport report = EfficiencyReport.of(out, model.languageConfig().text(), model.visionConfig(),
                requests.get(0).images());
        return new Row(reduction.method().wireName(), share, batch, BenchOptions.median(vision),
                BenchOptions.median(prefill), report.flopsRatio(), out.visualTokensAfterStage1(),
                out.visualTokensAfterStage2());
    }

    private static void print(List<Row> rows) {
        Row base = rows.get(0);
        System.out.println();
        System.out.println("| batch | method | share | visual tokens after stage 1 / 2 | vision + stage-1 ms "
                + "| LLM prefill ms | speedup | FLOPs ratio (full/reduced) | speedup / FLOPs ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double speedup = base.prefillMs() / r.prefillMs();
            double gain = 1 / r.flopsRatio();
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %d / %d | %.1f | %.1f | %.2fx | %.2fx | %.2f |%n",
                    r.batch(), r.method(), r.share(), r.stage1(), r.stage2(), r.visionMs(), r.prefillMs(), speedup,
                    gain, speedup / gain);
        }
    }
}
