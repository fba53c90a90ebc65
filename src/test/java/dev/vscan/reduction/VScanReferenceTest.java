package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.clip.VisionOutput;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.PixelValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VScan stage 1 on the tiny reference checkpoint (4 vision layers, 8x8 patches) against the
 * selection an independent float64 implementation made: local layer 0, deep layer 2, 2x2-patch
 * windows, R1 = 32.
 */
class VScanReferenceTest {

    private static final int R1 = 32;

    private static Path dir;
    private static JsonNode vscan;
    private static JsonNode expected;
    private static LlavaPipeline pipeline;
    private static LlavaModel model;
    private static ScanSettings settings;

    @BeforeAll
    static void load() throws IOException {
        dir = TestModels.referenceCheckpoint();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        vscan = expected.get("vscan");
        pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults());
        model = pipeline.model();
        settings = ScanSettings.defaults(model.config().vision().numHiddenLayers());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static PixelValues pixels() throws IOException {
        return pipeline.preprocessor().preprocess(Files.readAllBytes(dir.resolve("image.png")));
    }

    private static GenerationRequest request(VisualTokenReducer reducer, int newTokens) throws IOException {
        JsonNode input = expected.get("input_ids");
        long[] ids = new long[input.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = input.get(i).asLong();
        }
        return new GenerationRequest(ids, List.of(pixels()), SamplingParams.greedy(newTokens), reducer,
                SequencePruner.NONE);
    }

    @Test
    void defaultSettingsOfTheTinyTowerAreTheFixturesLayers() {
        assertEquals(vscan.get("local_layer").asInt(), settings.localLayer());
        assertEquals(vscan.get("deep_layer").asInt(), settings.deepLayer());
        assertEquals(8 / vscan.get("window_patches").asInt(), settings.windowRows());
    }

    @Test
    void selectsTheReferencesLocalGlobalAndKeptPatches() throws IOException {
        try (NDManager scope = model.manager().newSubManager()) {
            ImageFeatures image = encode(scope);
            ScanSelection s = new VScanReducer(R1, settings, true, ScanMode.BOTH).select(
                    image.clsAttention().get(0).toFloatArray(), image.clsAttention().get(2).toFloatArray(), 8, 8);
            assertArrayEquals(ints(vscan.get("local_indices")), s.local());
            assertArrayEquals(ints(vscan.get("global_indices")), s.global());
            assertArrayEquals(ints(vscan.get("kept_after_stage1")), s.kept());
        }
    }

    @Test
    void mergedTokensAreTheMeansOfTheirCosineGroups() throws IOException {
        try (NDManager scope = model.manager().newSubManager()) {
            ImageFeatures image = encode(scope);
            ReducedImage reduced = new VScanReducer(R1, settings, true, ScanMode.BOTH)
                    .reduce(image, model.projector()::apply);
            NDArray projected = model.projector().apply(image.features());
            float[] expectedMerge = plainJavaMerge(projected.toFloatArray(), (int) projected.getShape().get(1),
                    ints(vscan.get("kept_after_stage1")));
            assertArrayEquals(expectedMerge, reduced.embeddings().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void withoutMergingTheKeptTokensAreTheProjectedPatches() throws IOException {
        try (NDManager scope = model.manager().newSubManager()) {
            ImageFeatures image = encode(scope);
            ReducedImage reduced = new VScanReducer(R1, settings, false, ScanMode.BOTH)
                    .reduce(image, model.projector()::apply);
            float[] projected = model.projector().apply(image.features()).toFloatArray();
            int width = (int) reduced.embeddings().getShape().get(1);
            int[] kept = ints(vscan.get("kept_after_stage1"));
            float[] rows = new float[kept.length * width];
            for (int i = 0; i < kept.length; i++) {
                System.arraycopy(projected, kept[i] * width, rows, i * width, width);
            }
            assertArrayEquals(rows, reduced.embeddings().toFloatArray());
        }
    }

    @Test
    void generationReportsTheStage1TokensAndPatches() throws IOException {
        VScanReducer reducer = new VScanReducer(R1, settings, true, ScanMode.BOTH);
        GenerationOutput out = pipeline.generator().generate(List.of(request(reducer, 8))).get(0);
        assertEquals(R1, out.visualTokensAfterStage1());
        assertEquals(64, out.visualTokensInTotal());
        assertArrayEquals(ints(vscan.get("kept_after_stage1")), out.keptPatchIndices().get(0));
    }

    @Test
    void aBudgetOfAllPatchesGivesTheSameLogitsAsNoReduction() throws IOException {
        VScanReducer all = new VScanReducer(64, settings, true, ScanMode.BOTH);
        float[] plain = pipeline.generator().promptLogits(List.of(request(VisualTokenReducer.NONE, 1)))[0];
        float[] vscanAll = pipeline.generator().promptLogits(List.of(request(all, 1)))[0];
        assertArrayEquals(plain, vscanAll);
    }

    /** Runs the vision tower with the two scan layers' attention rows, like the generator does. */
    private static ImageFeatures encode(NDManager scope) throws IOException {
        PixelValues p = pixels();
        NDArray batch = scope.create(p.data(), new Shape(1, p.channels(), p.height(), p.width()));
        VisionOutput out = model.vision().forward(batch, Set.of(0, 2));
        return new ImageFeatures(out.features().get(0),
                Map.of(0, out.clsAttention().get(0).get(0), 2, out.clsAttention().get(2).get(0)), 8, 8);
    }

    /** Step 8 of the spec written out in loops: cosine argmax (first maximum), then plain means. */
    private static float[] plainJavaMerge(float[] x, int width, int[] kept) {
        int n = x.length / width;
        double[] sums = new double[kept.length * width];
        int[] counts = new int[kept.length];
        boolean[] isKept = new boolean[n];
        for (int r = 0; r < kept.length; r++) {
            isKept[kept[r]] = true;
            for (int d = 0; d < width; d++) {
                sums[r * width + d] = x[kept[r] * width + d];
            }
        }
        for (int u = 0; u < n; u++) {
            if (isKept[u]) {
                continue;
            }
            int best = 0;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < kept.length; r++) {
                double c = cosine(x, u, kept[r], width);
                if (c > bestCos) {
                    bestCos = c;
                    best = r;
                }
            }
            counts[best]++;
            for (int d = 0; d < width; d++) {
                sums[best * width + d] += x[u * width + d];
            }
        }
        float[] out = new float[sums.length];
        for (int r = 0; r < kept.length; r++) {
            for (int d = 0; d < width; d++) {
                out[r * width + d] = (float) (sums[r * width + d] / (1 + counts[r]));
            }
        }
        return out;
    }

    private static double cosine(float[] x, int a, int b, int width) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < width; d++) {
            dot += (double) x[a * width + d] * x[b * width + d];
            na += (double) x[a * width + d] * x[a * width + d];
            nb += (double) x[b * width + d] * x[b * width + d];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
