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
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.SequenceListener;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import dev.vscan.scheduling.AdmissionPolicy;
import dev.vscan.scheduling.BatchPolicy;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RequestBatcher;
import dev.vscan.scheduling.RunningSet;
import dev.vscan.scheduling.WorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Static against continuous batching under the same mixed workload, through the worker pool and a
 * running batch (no Kafka): max_new_tokens drawn from 1..128 (EOS ignored, so every request runs its
 * drawn length), none / VScan / FastV in equal shares, Poisson arrivals at each rate, and "sat" for
 * every request arriving at once (saturation). Every mode sees the identical request list per rate.
 *
 * <p>Three modes: continuous (admission between steps); static with retirement (a new group only once
 * the running set is empty, each sequence leaving the step it finishes); and static padded, what the
 * engine did before continuous batching: a group decodes until its longest answer ends, finished rows
 * keep computing and every answer is out when the group is (emulated by running each row of a group
 * to the group's longest length and counting only its own tokens).
 *
 * <p>Arguments: {@code [--preset small] [--requests 32] [--rates 0.25,0.4,sat] [--max-running 8] [--seed 1]}
 */
public final class ServingBenchmark {

    private ServingBenchmark() {}

    /** One request of the workload and what happened to it. */
    private static final class Job {
        final GenerationRequest request;
        final String method;
        final double arrivalSeconds;
        long arrivedNanos;
        long firstTokenNanos;
        long finishedNanos;
        int tokens;
        double decodeBatch;

        Job(GenerationRequest request, String method, double arrivalSeconds) {
            this.request = request;
            this.method = method;
            this.arrivalSeconds = arrivalSeconds;
        }
    }

    private enum Mode {
        STATIC_PADDED("static, padded"), STATIC("static"), CONTINUOUS("continuous");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** The running set a serving worker drives, here recording times instead of publishing. */
    private static final class Recording implements RunningSet<Job> {
        final RunningBatch batch;
        final CountDownLatch done;
        final boolean padded;
        long admitNanos;
        long stepNanos;
        long steps;

        Recording(RunningBatch batch, CountDownLatch done, boolean padded) {
            this.batch = batch;
            this.done = done;
            this.padded = padded;
        }

        @Override
        public int size() {
            return batch.size();
        }

        @Override
        public long kvTokens() {
            return batch.cachedTokens();
        }

        @Override
        public void admit(List<QueuedRequest<Job>> requests) {
            List<RunningBatch.Admission> admissions = new ArrayList<>();
            int longest = 0;
            for (QueuedRequest<Job> q : requests) {
                longest = Math.max(longest, q.work().request.sampling().maxNewTokens());
            }
            for (QueuedRequest<Job> q : requests) {
                Job job = q.work();
                int own = job.request.sampling().maxNewTokens();
                GenerationRequest r = job.request;
                if (padded) {
                    r = new GenerationRequest(r.promptIds(), r.images(),
                            SamplingParams.greedy(longest).ignoringEos(), r.reducer(), r.pruner(), r.positions());
                }
                admissions.add(new RunningBatch.Admission(r, new SequenceListener() {
                    @Override
                    public void onToken(long token) {
                        if (job.firstTokenNanos == 0) {
                            job.firstTokenNanos = System.nanoTime();
                        }
                    }

                    @Override
                    public void onFinished(GenerationOutput out) {
                        job.tokens = Math.min(own, out.tokens().length);
                        job.decodeBatch = out.decodeBatch();
                        job.finishedNanos = System.nanoTime();
                        done.countDown();
                    }
                }));
            }
            long t0 = System.nanoTime();
            batch.admit(admissions);
            admitNanos += System.nanoTime() - t0;
        }

        @Override
        public void step() {
            long t0 = System.nanoTime();
            if (batch.step() > 0) {
                steps++;
            }
            stepNanos += System.nanoTime() - t0;
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String preset = BenchOptions.option(args, "--preset", "small");
        int count = Integer.parseInt(BenchOptions.option(args, "--requests", "32"));
        String[] rates = BenchOptions.option(args, "--rates", "0.25,0.4,sat").split(",");
        int maxRunning = Integer.parseInt(BenchOptions.option(args, "--max-running", "8"));
        long seed = Long.parseLong(BenchOptions.option(args, "--seed", "1"));
        Path dir = Path.of("target", "bench", preset + "-seed0");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            TinyCheckpointGenerator.generate(dir, TinyCheckpointPreset.parse(preset), 0);
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            warmUp(pipeline);
            System.out.printf(Locale.ROOT, "preset %s, %d requests per rate, max %d running, seed %d%n", preset, count,
                    maxRunning, seed);
            System.out.println("| arrivals (req/s) | batching | output tokens/s | latency p50 s | latency p99 s "
                    + "| TTFT p50 s | TTFT p99 s | mean decode batch | prefill s | decode s | decode ms/step | idle s |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (String rate : rates) {
                double[] throughput = new double[Mode.values().length];
                for (Mode mode : Mode.values()) {
                    List<Job> jobs = workload(pipeline, count, rate, seed);
                    double[] row = run(pipeline, jobs, maxRunning, mode);
                    throughput[mode.ordinal()] = row[0];
                    System.out.printf(Locale.ROOT,
                            "| %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f |%n", rate,
                            mode.label, row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                            row[7], row[8], row[9]);
                }
                System.out.printf(Locale.ROOT, "| %s | continuous / static, padded | %.2fx | | | | | | | | | |%n", rate,
                        throughput[Mode.CONTINUOUS.ordinal()] / throughput[Mode.STATIC_PADDED.ordinal()]);
                System.out.printf(Locale.ROOT, "| %s | continuous / static | %.2fx | | | | | | | | | |%n", rate,
                        throughput[Mode.CONTINUOUS.ordinal()] / throughput[Mode.STATIC.ordinal()]);
            }
        }
    }

    private static List<Job> workload(LlavaPipeline pipeline, int count, String rate, long seed) {
        Random random = new Random(seed);
        int size = pipeline.model().config().vision().imageSize();
        ReductionMethod[] methods = {ReductionMethod.NONE, ReductionMethod.VSCAN, ReductionMethod.FASTV};
        List<Job> jobs = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < count; i++) {
            ReductionMethod method = methods[i % methods.length];
            ReductionPlan plan = method == ReductionMethod.NONE ? ReductionPlan.none()
                    : ReductionPlan.of(ReductionConfig.ofBudget(method, method == ReductionMethod.FASTV ? 192 : 128),
                            pipeline.model().config(), 1);
            int maxNew = 1 + random.nextInt(128);
            GenerationRequest request = pipeline.request("describe the picture in detail .",
                    List.of(TestModels.png(1000 + i, size, size)), SamplingParams.greedy(maxNew).ignoringEos(),
                    plan.reducer(), plan.pruner());
            jobs.add(new Job(request, method.wireName(), t));
            if (!rate.equals("sat")) {
                t += -Math.log(1 - random.nextDouble()) / Double.parseDouble(rate);
            }
        }
        return jobs;
    }

    /**
     * @return output tokens/s, latency p50 and p99, TTFT p50 and p99 (seconds), mean decode batch, then
     *         where the worker's time went: prefill seconds, decode seconds, ms per decode step, idle seconds
     */
    private static double[] run(LlavaPipeline pipeline, List<Job> jobs, int maxRunning, Mode mode)
            throws InterruptedException {
        RequestBatcher<Job> batcher = new RequestBatcher<>(new BatchPolicy(maxRunning, Duration.ofMillis(5), 1 << 20,
                Math.max(maxRunning, jobs.size())));
        CountDownLatch done = new CountDownLatch(jobs.size());
        RunningBatch batch = new RunningBatch(pipeline.model());
        Recording set = new Recording(batch, done, mode == Mode.STATIC_PADDED);
        WorkerPool<Job> pool = new WorkerPool<>(batcher,
                new AdmissionPolicy(maxRunning, Long.MAX_VALUE, mode == Mode.CONTINUOUS), 1, i -> set);
        pool.start();
        long start = System.nanoTime();
        for (Job job : jobs) {
            long due = start + (long) (job.arrivalSeconds * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            job.arrivedNanos = System.nanoTime();
            if (!batcher.offer(QueuedRequest.of(job, 0, 0, 0))) {
                throw new IllegalStateException("queue refused a request");
            }
        }
        done.await();
        pool.shutdown(10_000);
        long end = 0;
        long tokens = 0;
        double[] latency = new double[jobs.size()];
        double[] ttft = new double[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            end = Math.max(end, j.finishedNanos);
            tokens += j.tokens;
            latency[i] = (j.finishedNanos - j.arrivedNanos) / 1e9;
            ttft[i] = (j.firstTokenNanos - j.arrivedNanos) / 1e9;
        }
        double weighted = 0;
        long decoded = 0;
        for (Job j : jobs) {
            weighted += j.decodeBatch * Math.max(0, j.tokens - 1);
            decoded += Math.max(0, j.tokens - 1);
        }
        double seconds = (end - start) / 1e9;
        double prefill = set.admitNanos / 1e9;
        double decode = set.stepNanos / 1e9;
        return new double[] {tokens / seconds, percentile(latency, 0.5), percentile(latency, 0.99),
                percentile(ttft, 0.5), percentile(ttft, 0.99), decoded == 0 ? 0 : weighted / decoded, prefill, decode,
                set.steps == 0 ? 0 : decode * 1000 / set.steps, Math.max(0, seconds - prefill - decode)};
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void warmUp(LlavaPipeline pipeline) {
        int size = pipeline.model().config().vision().imageSize();
        GenerationRequest r = pipeline.request("warm up", List.of(TestModels.png(1, size, size)),
                SamplingParams.greedy(4).ignoringEos(), VisualTokenReducer.NONE, SequencePruner.NONE);
        pipeline.generator().generate(List.of(r, r));
    }
}
