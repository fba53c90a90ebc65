package dev.vscan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.generation.VisualEncoder;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.AnyResPreprocessor;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.llama.LlamaModel;
import dev.vscan.model.llama.PrefillResult;
import dev.vscan.model.llama.SequenceCache;
import dev.vscan.model.next.PackedImage;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.weights.CheckpointConverter;
import dev.vscan.model.weights.CheckpointLayout;
import dev.vscan.model.text.PromptTemplate;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.reduction.FastVPruner;
import dev.vscan.reduction.MiddleLayerPruner;
import dev.vscan.reduction.PrefillFlops;
import dev.vscan.reduction.PyramidDropPruner;
import dev.vscan.reduction.RecordingPruner;
import dev.vscan.reduction.ScanMode;
import dev.vscan.reduction.ScanSettings;
import dev.vscan.reduction.VScanReducer;
import dev.vscan.reduction.VisionZipReducer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLaVA-NeXT against the llava-next-reference fixture (an independent float64 implementation of Hugging
 * Face's semantics): crop features, packed image features, first logits and greedy answers, plain, with
 * VScan's stage 2 alone (ranking every visual token, base crop, grid and newlines, by the last prompt
 * token) and with full VScan (stage 1 per crop, merged within the crop, packed with the unpad, then stage 2).
 */
class LlavaNextReferenceTest {

    private static final long IMAGE_TOKEN = 3;

    private static Path dir;
    private static JsonNode expected;
    private static LlavaNextModel model;
    private static AnyResImage image;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        dir = Path.of(LlavaNextReferenceTest.class.getResource("/llava-next-reference/config.json").toURI()).getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        model = LlavaNextModel.load(dir, EngineOptions.cpu());
        image = new AnyResPreprocessor(LlavaPipeline.imageSpec(dir), model.config().pinpoints(), ImageLimits.defaults())
                .preprocess(Files.readAllBytes(dir.resolve("image.png")));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theTokenizerGivesTheReferencePromptIds() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, (int) IMAGE_TOKEN)) {
            assertArrayEquals(ReferenceParityTest.longs(expected.get("input_ids")),
                    tokenizer.encode(expected.get("prompt").asText()));
        }
    }

    @Test
    void cropAndPackedFeaturesMatchTheReference() {
        JsonNode debug = expected.get("debug");
        try (NDManager manager = model.llava().manager().newSubManager()) {
            NDArray crops = model.cropFeatures(manager, image.crops());
            JsonNode sums = debug.get("vision_features_sum_per_crop");
            for (int c = 0; c < sums.size(); c++) {
                assertEquals(sums.get(c).asDouble(), crops.get(c).sum().getFloat(), 1e-2, "features of crop " + c);
            }
            NDArray packed = model.packedFeatures(manager, image);
            assertEquals(expected.get("num_image_tokens").asInt(), packed.getShape().get(0));
            assertEquals(debug.get("packed_features_sum").asDouble(), packed.sum().getFloat(), 1e-2);
            float[] first = packed.get(0).toFloatArray();
            JsonNode reference = debug.get("packed_token0_first8");
            for (int i = 0; i < reference.size(); i++) {
                assertEquals(reference.get(i).asDouble(), first[i], 1e-4, "packed token 0, value " + i);
            }
        }
    }

    @Test
    void plainFirstLogitsAndGreedyAnswerMatch() {
        Run run = run(VisualTokenReducer.NONE, SequencePruner.NONE, expected.get("answer_ids").size());
        assertLogits(expected.get("first_logits"), run.firstLogits);
        assertArrayEquals(ReferenceParityTest.longs(expected.get("answer_ids")), run.tokens);
        assertEquals(expected.get("expanded_prompt_length").asInt(), run.promptLength);
    }

    @Test
    void stageTwoRanksEveryVisualTokenWithTheLastPromptToken() {
        JsonNode stage2 = expected.get("vscan_stage2_only");
        RecordingPruner pruner = new RecordingPruner(new MiddleLayerPruner(stage2.get("layer").asInt(), stage2.get("r2").asInt()));
        Run run = run(VisualTokenReducer.NONE, pruner, stage2.get("answer_ids").size());
        assertArrayEquals(ints(stage2.get("kept_visual_indices")), keptVisual(pruner));
        assertLogits(stage2.get("first_logits"), run.firstLogits);
        assertArrayEquals(ReferenceParityTest.longs(stage2.get("answer_ids")), run.tokens);
    }

    @Test
    void fullVScanScansEachCropThenPacksWhatEveryCropKept() {
        JsonNode vscan = expected.get("vscan");
        VScanReducer reducer = new VScanReducer(vscan.get("r1_per_crop").asInt(),
                ScanSettings.defaults(model.config().base().vision().numHiddenLayers()), true, ScanMode.BOTH);
        RecordingPruner pruner = new RecordingPruner(new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt()));
        Run run = run(reducer, pruner, vscan.get("answer_ids").size());

        JsonNode sources = vscan.get("stage1_token_sources");
        assertEquals(vscan.get("visual_tokens_after_stage1").asInt(), run.image.tokens());
        for (int t = 0; t < sources.size(); t++) {
            assertEquals(sources.get(t).get(0).asInt(), run.image.sources().crops()[t], "crop of stage-1 token " + t);
            assertEquals(sources.get(t).get(1).asInt(), run.image.sources().patches()[t], "patch of stage-1 token " + t);
        }
        JsonNode composition = vscan.get("stage1_composition");
        assertEquals(composition.get("newlines").asInt(), run.image.sources().newlines());
        assertArrayEquals(ints(vscan.get("kept_after_stage2")), keptVisual(pruner));
        assertLogits(vscan.get("first_logits"), run.firstLogits);
        assertArrayEquals(ReferenceParityTest.longs(vscan.get("answer_ids")), run.tokens);
    }

    @Test
    void theGeneratorAnswersAsTheReferencePlainAndWithVScan() {
        Generator generator = new Generator(model.llava(), VisualEncoder.next(model));
        long[] ids = ReferenceParityTest.longs(expected.get("input_ids"));
        JsonNode vscan = expected.get("vscan");
        GenerationRequest plain = new GenerationRequest(ids, List.of(image), SamplingParams.greedy(8),
                VisualTokenReducer.NONE, SequencePruner.NONE);
        GenerationRequest reduced = new GenerationRequest(ids, List.of(image), SamplingParams.greedy(8),
                new VScanReducer(vscan.get("r1_per_crop").asInt(), ScanSettings.defaults(4), true, ScanMode.BOTH),
                new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt()));
        List<GenerationOutput> both = generator.generate(List.of(plain, reduced));
        assertArrayEquals(ReferenceParityTest.longs(expected.get("answer_ids")), both.get(0).tokens());
        assertArrayEquals(ReferenceParityTest.longs(vscan.get("answer_ids")), both.get(1).tokens());
        assertEquals(expected.get("num_image_tokens").asInt(), both.get(0).visualTokensInTotal());
        assertEquals(vscan.get("visual_tokens_after_stage1").asInt(), both.get(1).visualTokensAfterStage1());
        assertEquals(vscan.get("r2").asInt(), both.get(1).visualTokensAfterStage2());
        assertLogits(expected.get("first_logits"), generator.promptLogits(List.of(plain, reduced))[0]);
        // The report counts the tower's cost over all five crops (base and four tiles).
        var config = model.config().base();
        EfficiencyReport report = EfficiencyReport.of(both.get(1), config.text(), config.vision(),
                model.llava().vision().layersRun());
        assertArrayEquals(new int[] {expected.get("num_crops").asInt()}, report.cropsPerImage());
        assertArrayEquals(new int[] {vscan.get("stage1_composition").get("newlines").asInt()},
                report.newlinesPerImage());
        assertArrayEquals(new int[] {10}, both.get(0).newlinesPerImage(), "one per row of the unpadded grid");
        long perCrop = PrefillFlops.vision(config.vision().numPatches() + 1, model.llava().vision().layersRun(),
                config.vision().hiddenSize(), config.vision().intermediateSize());
        assertEquals(5 * perCrop, report.visionFlops());
    }

    @Test
    void requestsWithImagesOfDifferentSizesAndCountsBatchLikeEachAlone() throws IOException {
        Generator generator = new Generator(model.llava(), VisualEncoder.next(model));
        AnyResPreprocessor preprocessor = new AnyResPreprocessor(LlavaPipeline.imageSpec(dir),
                model.config().pinpoints(), ImageLimits.defaults());
        AnyResImage tall = preprocessor.preprocess(TestModels.png(5, 130, 300));
        AnyResImage square = preprocessor.preprocess(TestModels.png(6, 200, 200));
        long[] one = ReferenceParityTest.longs(expected.get("input_ids"));
        long[] two = new long[one.length + 1];
        two[0] = one[0];
        two[1] = one[1];
        two[2] = IMAGE_TOKEN;
        System.arraycopy(one, 2, two, 3, one.length - 2);
        List<GenerationRequest> requests = List.of(
                new GenerationRequest(two, List.of(tall, square), SamplingParams.greedy(6), VisualTokenReducer.NONE,
                        SequencePruner.NONE),
                new GenerationRequest(one, List.of(image), SamplingParams.greedy(6),
                        new VScanReducer(24, ScanSettings.defaults(4), true, ScanMode.BOTH), new MiddleLayerPruner(2, 40)),
                new GenerationRequest(one, List.of(tall), SamplingParams.greedy(6), VisualTokenReducer.NONE,
                        new MiddleLayerPruner(2, 20)));
        float[][] batched = generator.promptLogits(requests);
        List<GenerationOutput> outputs = generator.generate(requests);
        for (int r = 0; r < requests.size(); r++) {
            float[] alone = generator.promptLogits(List.of(requests.get(r)))[0];
            assertArrayEquals(alone, batched[r], 1e-5f, "request " + r);
            assertArrayEquals(generator.generate(List.of(requests.get(r))).get(0).tokens(), outputs.get(r).tokens(),
                    "request " + r);
        }
        assertEquals(tall.layout().imageTokens(8, 64) + square.layout().imageTokens(8, 64),
                outputs.get(0).visualTokensInTotal());
    }

    @Test
    void fastVPyramidDropAndVisionZipRunOnNextWithTheCountsTheyPromise() {
        Generator generator = new Generator(model.llava(), VisualEncoder.next(model));
        long[] ids = ReferenceParityTest.longs(expected.get("input_ids"));
        int all = expected.get("num_image_tokens").asInt();
        GenerationOutput fastV = generator.generate(List.of(new GenerationRequest(ids, List.of(image),
                SamplingParams.greedy(3), VisualTokenReducer.NONE, new FastVPruner(2, 40)))).get(0);
        assertArrayEquals(new int[] {all, all, 40, 40}, fastV.visualTokensPerLayer());
        GenerationOutput pyramid = generator.generate(List.of(new GenerationRequest(ids, List.of(image),
                SamplingParams.greedy(3), VisualTokenReducer.NONE,
                new PyramidDropPruner(new int[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5})))).get(0);
        int[] perLayer = pyramid.visualTokensPerLayer();
        assertEquals(all, perLayer[0]);
        for (int l = 1; l < perLayer.length; l++) {
            assertEquals(perLayer[l - 1] / 2, perLayer[l], 1, "layer " + l + " of " + Arrays.toString(perLayer));
        }
        // VisionZip per crop: 20 dominant + 4 contextual of 64 in every crop; newlines always stay.
        GenerationOutput zipped = generator.generate(List.of(new GenerationRequest(ids, List.of(image),
                SamplingParams.greedy(3), new VisionZipReducer(20, 4), SequencePruner.NONE))).get(0);
        int stage1 = zipped.visualTokensAfterStage1();
        int newlines = 10;
        assertEquals(true, stage1 > 24 + newlines && stage1 <= 24 + 4 * 24 + newlines, "stage-1 tokens " + stage1);
        assertEquals(all, zipped.visualTokensInTotal());
    }

    @Test
    void aMistralCheckpointGetsTheMistralPrompt(@TempDir Path copy) throws IOException {
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "preprocessor_config.json", "generation_config.json")) {
            Files.copy(dir.resolve(file), copy.resolve(file));
        }
        String config = Files.readString(copy.resolve("config.json"));
        Files.writeString(copy.resolve("config.json"), config.replace("\"model_type\": \"llama\"",
                "\"model_type\": \"mistral\""));
        try (LlavaPipeline mistral = LlavaPipeline.load(copy, EngineOptions.cpu(), ImageLimits.defaults());
                LlavaPipeline vicuna = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            assertEquals(PromptTemplate.MISTRAL, mistral.template());
            assertEquals(PromptTemplate.VICUNA, vicuna.template());
            assertTrue(mistral.anyRes());
        }
    }

    @Test
    void theTransformersLayoutsShardedOrNotGiveTheSameAnswer(@TempDir Path tmp) throws IOException {
        byte[] png = Files.readAllBytes(dir.resolve("image.png"));
        for (CheckpointLayout layout : List.of(CheckpointLayout.TRANSFORMERS_V5, CheckpointLayout.TRANSFORMERS_SAVED)) {
            Path converted = tmp.resolve(layout.name());
            CheckpointConverter.convertLayout(dir, converted, layout, 3);
            try (LlavaPipeline pipeline = LlavaPipeline.load(converted, EngineOptions.cpu(), ImageLimits.defaults())) {
                GenerationRequest request = pipeline.request(expected.get("question").asText(), List.of(png),
                        SamplingParams.greedy(8), VisualTokenReducer.NONE, SequencePruner.NONE);
                assertArrayEquals(ReferenceParityTest.longs(expected.get("input_ids")), request.promptIds());
                assertEquals(expected.get("answer").asText(),
                        pipeline.answer(List.of(request), TokenListener.NONE).get(0).text(), layout.name());
            }
        }
    }

    @Test
    void aSingleCropImageIsRefusedWithItsPlace() {
        Generator generator = new Generator(model.llava(), VisualEncoder.next(model));
        GenerationRequest wrong = new GenerationRequest(ReferenceParityTest.longs(expected.get("input_ids")),
                List.of(image.base()), SamplingParams.greedy(2), VisualTokenReducer.NONE, SequencePruner.NONE);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(wrong)));
        assertEquals("image 0 of request 0 is a single crop; LLaVA-NeXT takes the AnyRes crops (AnyResPreprocessor)",
                e.getMessage());
    }

    private record Run(float[] firstLogits, long[] tokens, int promptLength, PackedImage image) {}

    /** The prompt with the packed image spliced in, prefilled, then greedy decoding to EOS or the length. */
    private static Run run(VisualTokenReducer reducer, SequencePruner pruner, int maxTokens) {
        LlamaModel lm = model.llava().language();
        long[] ids = ReferenceParityTest.longs(expected.get("input_ids"));
        try (NDManager manager = model.llava().manager().newSubManager()) {
            NDList parts = new NDList();
            List<Boolean> flags = new ArrayList<>();
            NDArray text = lm.embed(manager.create(ids));
            PackedImage packed = model.reduce(manager, image, reducer);
            for (int t = 0; t < ids.length; t++) {
                if (ids[t] == IMAGE_TOKEN) {
                    parts.add(packed.embeddings());
                    for (int i = 0; i < packed.tokens(); i++) {
                        flags.add(true);
                    }
                } else {
                    parts.add(text.get(new NDIndex("{}:{}", t, t + 1)));
                    flags.add(false);
                }
            }
            boolean[] visual = new boolean[flags.size()];
            for (int i = 0; i < visual.length; i++) {
                visual[i] = flags.get(i);
            }
            PrefillResult prefill = lm.prefill(List.of(NDArrays.concat(parts, 0)), List.of(visual), List.of(pruner));
            float[] firstLogits = prefill.logits().toFloatArray();
            SequenceCache cache = prefill.cache().sequence(0);
            List<Long> tokens = new ArrayList<>();
            long token = prefill.logits().argMax(1).toLongArray()[0];
            while (true) {
                tokens.add(token);
                if (token == 2 || tokens.size() == maxTokens) {
                    break;
                }
                try (NDManager step = manager.newSubManager()) {
                    token = lm.decode(step, new long[] {token}, List.of(cache)).argMax(1).toLongArray()[0];
                }
            }
            return new Run(firstLogits, tokens.stream().mapToLong(Long::longValue).toArray(), visual.length, packed);
        }
    }

    /** The visual tokens the pruner kept, as indices among the image's tokens (it starts after <s> and "USER:"). */
    private static int[] keptVisual(RecordingPruner pruner) {
        return Arrays.stream(pruner.calls().get(0).decision().keptVisualTokens()).map(i -> i - 2).toArray();
    }

    private static void assertLogits(JsonNode reference, float[] logits) {
        assertEquals(reference.size(), logits.length);
        double worst = 0;
        for (int i = 0; i < logits.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - reference.get(i).asDouble()));
        }
        assertEquals(0, worst, 1e-4, "largest logit difference");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
