package dev.vscan.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.PixelValues;
import dev.vscan.synth.QuestionFamily;
import dev.vscan.synth.SyntheticDataset;
import dev.vscan.synth.VisualQuestion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaTrainerTest {

    private static final SyntheticDataset DATA = new SyntheticDataset(SyntheticDataset.TRAIN_SEED, 112);

    @Test
    void theTrainingForwardIsTheEnginesForward() {
        // The teacher-forced answer loss must equal what the serving engine predicts token by token.
        Path checkpoint = TestModels.tinyCheckpoint();
        VisualQuestion question = DATA.get(3, QuestionFamily.COLOUR);
        LlavaConfig config = ConfigLoader.loadModel(checkpoint);
        try (LlavaPipeline engine = LlavaPipeline.load(checkpoint, EngineOptions.parse("cpu"), ImageLimits.defaults());
                TrainableWeights weights = TrainableWeights.load(checkpoint, NDManager.newBaseManager("PyTorch"))) {
            ExampleEncoder encoder = new ExampleEncoder(engine.tokenizer(), engine.preprocessor(),
                    config.text().eosTokenIds().get(0), config.vision().patchSize());
            TrainingExample example = encoder.encode(question);
            LlavaTrainingModel model = new LlavaTrainingModel(config, weights, 20, 1);
            TrainingBatch batch = new BatchAssembler(config.imageTokenIndex(), config.vision().numPatches(),
                    config.padTokenId()).assemble(List.of(example));
            float trainingLoss;
            try (NDManager scope = weights.manager().newSubManager()) {
                trainingLoss = model.losses(scope, batch, 0f, 0f).answer().getFloat();
            }

            long[] ids = example.ids();
            double engineLoss = 0;
            for (int i = example.answerStart(); i < ids.length; i++) {
                GenerationRequest prefix = GenerationRequest.plain(Arrays.copyOf(ids, i), example.images(),
                        SamplingParams.greedy(1));
                float[] logits = engine.generator().promptLogits(List.of(prefix))[0];
                engineLoss -= logSoftmax(logits, (int) ids[i]);
            }
            engineLoss /= ids.length - example.answerStart();

            assertEquals(engineLoss, trainingLoss, 1e-4);
        }
    }

    @Test
    void aFewStepsOnTheSameQuestionsLowerTheLoss(@TempDir Path out) throws IOException {
        Path start = copy(TestModels.tinyCheckpoint(), out.resolve("start"));
        TrainingOptions options = new TrainingOptions(out.resolve("trained"), 5, 12, 4, 3e-3f, 2, 1f, 0.5f, 0.5f, 0f, 1f, false, false, 10, 100,
                Map.of(QuestionFamily.COLOUR, 1.0));
        List<VisualQuestion> questions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            questions.add(DATA.get(i, QuestionFamily.COLOUR));
        }
        try (LlavaTrainer trainer = LlavaTrainer.fromCheckpoint(options, start)) {
            float first = trainer.step(questions, 0).loss();
            float last = first;
            for (int s = 1; s < 12; s++) {
                last = trainer.step(questions, 0).loss();
            }
            assertTrue(last < 0.5f * first, "loss went from " + first + " to " + last);

            trainer.checkpoint(line -> { });
        }
        // What training saves is a checkpoint the engine serves, with its log and loss curve beside it.
        try (LlavaPipeline trained = LlavaPipeline.load(out.resolve("trained"), EngineOptions.parse("cpu"),
                ImageLimits.defaults())) {
            PixelValues pixels = trained.preprocessor().preprocess(dev.vscan.synth.SceneRenderer.render(
                    questions.get(0).scenes().get(0)));
            String answer = trained.answer(List.of(trained.requestForPixels(questions.get(0).question(),
                    List.of(pixels), SamplingParams.greedy(4), dev.vscan.model.extension.VisualTokenReducer.NONE,
                    dev.vscan.model.extension.SequencePruner.NONE)), dev.vscan.model.generation.TokenListener.NONE)
                    .get(0).text();
            assertTrue(!answer.isBlank());
        }
        assertTrue(Files.size(out.resolve("trained").resolve(TrainingLogWriter.CURVE)) > 1000);
        assertEquals(13, Files.readAllLines(out.resolve("trained").resolve(TrainingLogWriter.LOG)).size(),
                "a header and one line per step");
    }

    private static double logSoftmax(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[index] - max - Math.log(sum);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void captionsReplaceTheirShareOfTrainingItems() {
        int captions = 0;
        for (long index = 0; index < 1000; index++) {
            captions += LlavaTrainer.isCaption(index, 0.25f) ? 1 : 0;
        }
        assertEquals(250, captions, 3);
        assertFalse(LlavaTrainer.isCaption(7, 0f), "a zero share turns captions off");
    }
}
