package dev.vscan.bench;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.ImageLimits;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Prefill cost of every reduction method side by side, in one run: VScan at the paper's three average
 * budgets against FastV and PyramidDrop at the same budgets, and no reduction. For each it reports the
 * measured LLM-prefill speedup next to the analytic FLOPs ratio, and what stage 1 (scans and merging,
 * net of the projection every method pays) and stage-2 scoring cost. Not a test: run bench/reduction.sh.
 *
 * <p>With {@code --family llava_next} the same on the LLaVA-NeXT form of the preset, at the paper's NeXT
 * budgets (640 / 320 / 160 of 2,880), with one square image per request that AnyRes cuts into a 2x2 tile
 * grid: its base crop, four tiles and a newline per grid row, all the visual tokens the model can take.
 *
 * <p>Arguments: {@code [--family llava|llava_next] [--preset small] [--batches 1,4] [--iterations 5]}
 */
public final class ReductionBenchmark {

    /**
     * The paper's NeXT budgets, and 960 of 2,880 (a third) before them: PyramidDrop keeps every token
     * through the first quarter of the layers, so on a 16-layer decoder it cannot average below a quarter.
     */
    private static final List<Integer> NEXT_BUDGETS = List.of(960, 640, 320, 160);

    private ReductionBenchmark() {}

    private record Row(String method, int budget, int batch, double visionMs, double reductionMs, double prefillMs,
            double scoringMs, double flopsRatio, int stage1, int stage2) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String preset = BenchOptions.option(args, "--preset", "small");
        boolean next = BenchOptions.option(args, "--family", "llava").equals("llava_next");
        int[] batches = Arrays.stream(BenchOptions.option(args, "--batches", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int iterations = Integer.parseInt(BenchOptions.option(args, "--iterations", "5"));
        Path dir = Path.of("target", "bench", (next ? "next-" : "") + preset + "-seed0");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            if (next) {
                TinyCheckpointGenerator.generateNext(dir, TinyCheckpointPreset.parse(preset), 0);
            } else {
                TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.parse(preset), 0);
            }
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            LlavaConfig config = pipeline.model().config();
            Workload workload = next ? Workload.next(pipeline, dir) : Workload.llava(pipeline);
            System.out.printf(Locale.ROOT, "preset %s (%s): %d visual tokens per image, %d decoder layers, %d iterations%n",
                    preset, next ? "llava_next" : "llava", workload.imageTokens(), config.text().numHiddenLayers(),
                    iterations);
            for (int batch : batches) {
                List<Row> rows = new ArrayList<>();
                rows.add(measure(pipeline, workload, ReductionConfig.none(), 0, batch, iterations));
                for (int budget : next ? NEXT_BUDGETS : ReductionConfig.PAPER_BUDGETS) {
                    for (ReductionMethod m : List.of(ReductionMethod.VSCAN, ReductionMethod.FASTV, ReductionMethod.PDROP)) {
                        try {
                            ReductionConfig reduction = next
                                    ? ReductionConfig.fraction(m, budget / (double) ReductionConfig.NEXT_REFERENCE_TOKENS)
                                    : ReductionConfig.paperPreset(m, budget);
                            rows.add(measure(pipeline, workload, reduction, budget, batch, iterations));
                        } catch (IllegalArgumentException e) {
                            System.out.printf(Locale.ROOT, "skipped %s at %d: %s%n", m.wireName(), budget, e.getMessage());
                        }
                    }
                }
                print(rows);
            }
        }
    }

    /** The images a request carries and how a plan is made for them. */
    private record Workload(int imageSide, int imageTokens, Function<ReductionConfig, ReductionPlan> planner) {

        static Workload llava(LlavaPipeline pipeline) {
            LlavaConfig config = pipeline.model().config();
            return new Workload(config.vision().imageSize(), config.vision().numPatches(),
                    r -> ReductionPlan.of(r, config, 1));
        }

        /** A square image twice the tile size: AnyRes picks the 2x2 grid and nothing is unpadded. */
        static Workload next(LlavaPipeline pipeline, Path dir) {
            LlavaNextConfig config = ConfigLoader.loadNext(dir);
            int side = 2 * config.base().vision().imageSize();
            int[] tokens = AnyResImage.imageTokens(List.of(pipeline.images().prepare(TestModels.png(100, side, side))),
                    config.base().vision().gridSize());
            return new Workload(side, tokens[0], r -> ReductionPlan.ofAnyRes(r, config, tokens));
        }
    }

    private static Row measure(LlavaPipeline pipeline, Workload workload, ReductionConfig reduction, int budget,
            int batch, int iterations) {
        int size = workload.imageSide();
        ReductionPlan plan = workload.planner().apply(reduction);
        AtomicLong scoringNanos = new AtomicLong();
        SequencePruner timed = new SequencePruner() {
            @Override
            public int[] pruneAfterLayers() {
                return plan.pruner().pruneAfterLayers();
            }

            @Override
            public PruneDecision decide(PruneContext context) {
                long t0 = System.nanoTime();
                PruneDecision d = plan.pruner().decide(context);
                scoringNanos.addAndGet(System.nanoTime() - t0);
                return d;
            }
        };
        List<GenerationRequest> requests = new ArrayList<>();
        for (int r = 0; r < batch; r++) {
            requests.add(pipeline.request("what colour is the big circle on the left ?",
                    List.of(TestModels.png(100 + r, size, size)), SamplingParams.greedy(1), plan.reducer(), timed));
        }
        pipeline.generator().generate(requests);
        double[] vision = new double[iterations];
        double[] reductionMs = new double[iterations];
        double[] prefill = new double[iterations];
        double[] scoring = new double[iterations];
        GenerationOutput sample = null;
        for (int i = 0; i < iterations; i++) {
            scoringNanos.set(0);
            sample = pipeline.generator().generate(requests).get(0);
            vision[i] = sample.timings().visionMillis();
            reductionMs[i] = sample.timings().reductionMillis();
            prefill[i] = sample.timings().prefillMillis();
            scoring[i] = scoringNanos.get() / 1e6;
        }
        LlavaConfig c = pipeline.model().config();
        EfficiencyReport report = EfficiencyReport.of(sample, c.text(), c.vision(), pipeline.model().vision().layersRun());
        return new Row(reduction.method().wireName(), budget, batch, BenchOptions.median(vision), BenchOptions.median(reductionMs),
                BenchOptions.median(prefill), BenchOptions.median(scoring), report.flopsRatio(), sample.visualTokensAfterStage1(),
                sample.visualTokensAfterStage2());
    }

    private static void print(List<Row> rows) {
        Row base = rows.get(0);
        System.out.println();
        System.out.println("| batch | method | budget | visual tokens after stage 1 / 2 | vision ms | stage-1 ms (net) "
                + "| stage-1 share of vision | LLM prefill ms | stage-2 scoring ms | speedup | FLOPs ratio (full/reduced) "
                + "| speedup / FLOPs ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double stage1 = Math.max(0, r.reductionMs() - base.reductionMs());
            double speedup = base.prefillMs() / r.prefillMs();
            double flopsGain = 1 / r.flopsRatio();
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %d / %d | %.1f | %.2f | %.1f%% | %.1f | %.2f | %.2fx | %.2fx | %.2f |%n",
                    r.batch(), r.method(), r.budget() == 0 ? "-" : String.valueOf(r.budget()), r.stage1(), r.stage2(),
                    r.visionMs(), stage1, 100 * stage1 / r.visionMs(), r.prefillMs(), r.scoringMs(), speedup, flopsGain,
                    speedup / flopsGain);
        }
    }
}
