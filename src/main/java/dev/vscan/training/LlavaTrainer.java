package dev.vscan.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.checkpoint.TinyCheckpointGenerator;
import dev.vscan.model.checkpoint.TinyCheckpointPreset;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ImagePreprocessor;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.weights.DType;
import dev.vscan.synth.Scene;
import dev.vscan.synth.SceneCaption;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains the {@link TinyCheckpointPreset#SHAPES} model on synthetic questions and scene captions: the
 * answer tokens' cross entropy plus the [CLS] presence and per-patch class losses, Adam with warm-up,
 * cosine decay and global-norm clipping. Every
 * step runs in its own NDManager, so memory stays flat however long training runs.
 */
public final class LlavaTrainer implements AutoCloseable {

    /** One logged step. */
    public record StepRecord(int step, double seconds, float loss, float answerLoss, float presenceLoss,
            float patchLoss, float answerTokenAccuracy, float learningRate, float gradientNorm) {}

    /** Teacher-forced accuracy of the answer tokens on fixed held-out questions. */
    public record HeldOutCheck(int step, float answerTokenAccuracy, float answerLoss) {}

    private final TrainingOptions options;
    private final Path initial;
    private final LlavaConfig config;
    private final LlavaTokenizer tokenizer;
    private final TrainableWeights weights;
    private final LlavaTrainingModel model;
    private final ExampleEncoder encoder;
    private final BatchAssembler assembler;
    private final SyntheticDataset dataset;
    private final WarmupCosineSchedule schedule;
    private final Optimizer optimizer;
    private final List<StepRecord> history = new ArrayList<>();
    private final List<HeldOutCheck> checks = new ArrayList<>();
    private final List<List<VisualQuestion>> heldOutBatches;
    private final List<TrainingExample> pendingOne = new ArrayList<>();
    private final List<TrainingExample> pendingTwo = new ArrayList<>();
    private static final int MAX_CONSECUTIVE_SKIPS = 20;

    private long nextQuestion;
    private int skipped;
    private int consecutiveSkips;
    private Consumer<String> skipLog = System.err::println;
    private int stepsDone;

    private LlavaTrainer(TrainingOptions options, Path initial) {
        this.options = options;
        this.initial = initial;
        this.config = ConfigLoader.loadModel(initial);
        this.tokenizer = LlavaTokenizer.load(initial, config.imageTokenIndex());
        NDManager manager = NDManager.newBaseManager("PyTorch");
        this.weights = TrainableWeights.load(initial, manager);
        int patchClasses = new PatchLabeller(config.vision().patchSize(), options.patchSides()).classes();
        this.model = new LlavaTrainingModel(config, weights, Scene.presenceLength(options.clsDigits()), patchClasses,
                options.seed());
        ImagePreprocessor preprocessor = new ImagePreprocessor(LlavaPipeline.imageSpec(initial), ImageLimits.defaults());
        this.encoder = new ExampleEncoder(tokenizer, preprocessor, config.text().eosTokenIds().get(0),
                config.vision().patchSize(), options.clsDigits(), options.patchSides());
        this.assembler = new BatchAssembler(config.imageTokenIndex(), config.vision().numPatches(), config.padTokenId());
        this.dataset = new SyntheticDataset(options.seed(), config.vision().imageSize());
        this.schedule = new WarmupCosineSchedule(options.learningRate(), options.warmupSteps(), options.steps());
        this.optimizer = Optimizer.adam().optLearningRateTracker(schedule).build();
        this.heldOutBatches = heldOutBatches(options.batchSize());
    }

    /** Starts from freshly initialised weights drawn from {@code options.seed()}. */
    public static LlavaTrainer fromScratch(TrainingOptions options) {
        try {
            Path initial = Files.createTempDirectory("vscan-train-init");
            TinyCheckpointGenerator.generate(initial, TinyCheckpointPreset.SHAPES, options.seed());
            return new LlavaTrainer(options, initial);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the initial checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Continues from an existing checkpoint of any LLaVA shape (its tokenizer and image size must suit
     * the synthetic questions); tests start from the small generated presets this way.
     */
    public static LlavaTrainer fromCheckpoint(TrainingOptions options, Path checkpoint) {
        return new LlavaTrainer(options, checkpoint);
    }

    /** Runs the configured steps (or until the time cap), saving checkpoints along the way. */
    public void run(Consumer<String> log) {
        skipLog = log;
        long start = System.nanoTime();
        while (stepsDone < options.steps()) {
            double minutes = (System.nanoTime() - start) / 60e9;
            if (minutes > options.maxMinutes()) {
                log.accept("time cap of " + options.maxMinutes() + " min reached after " + stepsDone + " steps");
                break;
            }
            StepRecord record = step((System.nanoTime() - start) / 1e9);
            if ((record.step() % 10 == 0 || record.step() == 1) && Float.isFinite(record.loss())) {
                log.accept(String.format(java.util.Locale.ROOT,
                        "step %d  %.0fs  loss %.4f  answer %.4f  cls %.4f  patch %.4f  token-acc %.3f  lr %.2e  |g| %.2f",
                        record.step(), record.seconds(), record.loss(), record.answerLoss(), record.presenceLoss(),
                        record.patchLoss(),
                        record.answerTokenAccuracy(), record.learningRate(), record.gradientNorm()));
            }
            if (stepsDone % options.checkpointEvery() == 0) {
                checkpoint(log);
            }
        }
        if (stepsDone % options.checkpointEvery() != 0) {
            checkpoint(log);
        }
    }

    /** One optimiser step on the next batch of training questions. */
    public StepRecord step(double secondsSoFar) {
        return stepOn(nextBatch(), secondsSoFar);
    }

    /** One optimiser step on the given questions (all with the same number of images). */
    public StepRecord step(List<VisualQuestion> questions, double secondsSoFar) {
        return stepOn(encode(questions), secondsSoFar);
    }

    private StepRecord stepOn(List<TrainingExample> examples, double secondsSoFar) {
        TrainingBatch batch = assembler.assemble(examples);
        try (NDManager scope = weights.manager().newSubManager()) {
            LlavaTrainingModel.Losses losses;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                losses = model.losses(scope, batch, options.presenceShare(), options.patchShare());
                collector.backward(losses.total());
            }
            float loss = losses.total().getFloat();
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            double squares = 0;
            for (Map.Entry<String, NDArray> parameter : weights.trained().entrySet()) {
                NDArray gradient = parameter.getValue().getGradient();
                gradient.attach(scope);
                gradients.put(parameter.getKey(), gradient);
                squares += gradient.square().sum().getFloat();
            }
            float norm = (float) Math.sqrt(squares);
            if (!Float.isFinite(loss) || !Float.isFinite(norm)) {
                // A rare non-finite step is dropped, not applied; a run of them means training diverged.
                String culprit = nonFiniteCulprit(gradients);
                clearGradients();
                skipped++;
                consecutiveSkips++;
                skipLog.accept("step " + (stepsDone + 1) + " skipped: loss " + loss + ", gradient norm " + norm
                        + " (culprit: " + culprit + ")");
                if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                    throw new IllegalStateException("training diverged at step " + (stepsDone + 1) + ": "
                            + consecutiveSkips + " non-finite steps in a row; the last checkpoint in "
                            + options.output() + " is kept");
                }
                stepsDone++;
                StepRecord record = new StepRecord(stepsDone, secondsSoFar, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
                        schedule.getNewValue(stepsDone - 1), norm);
                history.add(record);
                return record;
            }
            consecutiveSkips = 0;
            float scale = norm > options.maxGradNorm() ? options.maxGradNorm() / norm : 1f;
            for (Map.Entry<String, NDArray> gradient : gradients.entrySet()) {
                NDArray g = gradient.getValue();
                if (scale < 1f) {
                    g.muli(scale);
                }
                optimizer.update(gradient.getKey(), weights.trained().get(gradient.getKey()), g);
            }
            // Gradients accumulate in libtorch; clear them for the next step.
            clearGradients();
            stepsDone++;
            StepRecord record = new StepRecord(stepsDone, secondsSoFar, loss, losses.answer().getFloat(),
                    losses.presence().getFloat(), losses.patches().getFloat(), losses.answerTokensCorrect().getFloat() / losses.answerTokens().getFloat(),
                    schedule.getNewValue(stepsDone - 1), norm);
            history.add(record);
            return record;
        }
    }

    /** Teacher-forced answer-token accuracy and loss on fixed held-out questions. */
    public HeldOutCheck checkHeldOut() {
        float correct = 0, tokens = 0, lossSum = 0;
        for (List<VisualQuestion> questions : heldOutBatches) {
            TrainingBatch batch = assembler.assemble(encode(questions));
            try (NDManager scope = weights.manager().newSubManager()) {
                LlavaTrainingModel.Losses losses = model.losses(scope, batch, 0f, 0f);
                float n = losses.answerTokens().getFloat();
                correct += losses.answerTokensCorrect().getFloat();
                lossSum += losses.answer().getFloat() * n;
                tokens += n;
            }
        }
        HeldOutCheck check = new HeldOutCheck(stepsDone, correct / tokens, lossSum / tokens);
        checks.add(check);
        return check;
    }

    /** Saves the model, the loss log and the loss curve into the output directory. */
    public void checkpoint(Consumer<String> log) {
        HeldOutCheck check = checkHeldOut();
        log.accept(String.format(java.util.Locale.ROOT, "step %d  held-out token-acc %.3f  answer loss %.4f",
                check.step(), check.answerTokenAccuracy(), check.answerLoss()));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("generator", "vscan-serve train seed " + options.seed() + " steps " + stepsDone);
        TrainedCheckpointWriter.write(weights, initial, options.output(), DType.F16, metadata);
        TrainingLogWriter.write(options.output(), history, checks);
    }

    public int stepsDone() {
        return stepsDone;
    }

    /** Steps dropped because their loss or gradient was not finite. */
    public int skippedSteps() {
        return skipped;
    }

    private void clearGradients() {
        for (NDArray parameter : weights.trained().values()) {
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }

    /**
     * Names the gradient that made the step non-finite: one holding NaN or infinity, or else the one with
     * the largest element, whose square overflowed float32 while every value stayed finite.
     */
    private static String nonFiniteCulprit(Map<String, NDArray> gradients) {
        String largest = "none";
        float largestValue = 0;
        for (Map.Entry<String, NDArray> g : gradients.entrySet()) {
            float max = g.getValue().abs().max().getFloat();
            if (!Float.isFinite(max)) {
                return g.getKey() + " (not finite)";
            }
            if (max > largestValue) {
                largestValue = max;
                largest = g.getKey();
            }
        }
        return largest + " (all finite; largest element " + largestValue + ")";
    }

    private List<TrainingExample> nextBatch() {
        while (true) {
            if (pendingOne.size() >= options.batchSize()) {
                return take(pendingOne);
            }
            if (pendingTwo.size() >= options.batchSize()) {
                return take(pendingTwo);
            }
            long index = nextQuestion++;
            VisualQuestion question = dataset.get(index, options.familyWeights());
            if (question.scenes().size() == 1 && isCaption(index, options.captionShare())) {
                Scene scene = question.scenes().get(0);
                pendingOne.add(encoder.encode(question.scenes(), SceneCaption.PROMPT, SceneCaption.describe(scene),
                        options.captionWeight()));
            } else {
                (question.scenes().size() == 1 ? pendingOne : pendingTwo).add(encoder.encode(question));
            }
        }
    }

    /**
     * Whether training item {@code index} becomes a caption: the fractional parts of index times the
     * golden ratio spread evenly over [0, 1), so any share is met closely in every stretch of items.
     */
    static boolean isCaption(long index, float share) {
        double fraction = ((index * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
        return fraction < share;
    }

    private List<TrainingExample> take(List<TrainingExample> pending) {
        List<TrainingExample> batch = new ArrayList<>(pending.subList(0, options.batchSize()));
        pending.subList(0, options.batchSize()).clear();
        return batch;
    }

    private List<TrainingExample> encode(List<VisualQuestion> questions) {
        List<TrainingExample> examples = new ArrayList<>();
        for (VisualQuestion question : questions) {
            examples.add(encoder.encode(question));
        }
        return examples;
    }

    private List<List<VisualQuestion>> heldOutBatches(int size) {
        List<VisualQuestion> one = new ArrayList<>();
        List<VisualQuestion> two = new ArrayList<>();
        for (VisualQuestion q : new SyntheticDataset(SyntheticDataset.HELD_OUT_SEED, config.vision().imageSize())
                .heldOut(16)) {
            (q.scenes().size() == 1 ? one : two).add(q);
        }
        List<List<VisualQuestion>> batches = new ArrayList<>();
        for (List<VisualQuestion> group : List.of(one, two)) {
            for (int i = 0; i < group.size(); i += size) {
                batches.add(group.subList(i, Math.min(group.size(), i + size)));
            }
        }
        return batches;
    }

    @Override
    public void close() {
        tokenizer.close();
        weights.close();
    }
}
