package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.model.ParameterSource;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.weights.CanonicalWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vision tower against an independent float64 implementation of transformers' Qwen2.5-VL vision
 * model and of VScan's stage-1 scores, on the fixture's tiny checkpoint (float32 here).
 */
class QwenVisionTowerTest {

    private static NDManager weights;
    private static QwenVisionTower tower;
    /** The same weights, attending 50 query rows at a time in the full-attention blocks. */
    private static QwenVisionTower chunked;
    private static QwenImage image1;
    private static QwenImage image2;

    @BeforeAll
    static void load() throws IOException {
        weights = NDManager.newBaseManager("PyTorch");
        try (CanonicalWeights checkpoint = CanonicalWeights.open(QwenFixture.dir())) {
            ParameterSource parameters = ParameterSource.of(checkpoint, weights, DataType.FLOAT32);
            QwenVisionConfig config = QwenConfigReader.vision(QwenFixture.dir());
            tower = QwenVisionTower.load(parameters, config);
            chunked = QwenVisionTower.load(parameters, config, 2L * 2 * 288 * 50);
        }
        QwenImagePreprocessor processor =
                new QwenImagePreprocessor(QwenConfigReader.preprocessor(QwenFixture.dir()), ImageLimits.defaults());
        image1 = processor.preprocess(Files.readAllBytes(QwenFixture.dir().resolve("image.png")));
        image2 = processor.preprocess(Files.readAllBytes(QwenFixture.dir().resolve("image2.png")));
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void oneImagesFeaturesMatchTheReference() {
        JsonNode debug = QwenFixture.expected().get("debug");
        try (NDManager manager = weights.newSubManager()) {
            QwenImageFeatures out = tower.forward(manager, List.of(image1), Set.of()).get(0);
            assertEquals(new Shape(72, 64), out.features().getShape());
            assertEquals(9, out.mergedHeight());
            assertEquals(8, out.mergedWidth());
            float[] features = out.features().toFloatArray();
            double[] head = QwenFixture.doubles(debug.get("image_features_row0_head"));
            for (int i = 0; i < head.length; i++) {
                assertEquals(head[i], features[i], 1e-4, "feature " + i + " of merged token 0");
            }
            double sum = 0;
            for (float f : features) {
                sum += f;
            }
            assertEquals(debug.get("image_features_sum").asDouble(), sum, 1e-3);
        }
    }

    @Test
    void stage1ScoresAreTheAttentionEachMergedTokenReceives() {
        JsonNode vscan = QwenFixture.expected().get("vscan");
        assertEquals(vscan.get("local_block").asInt(), tower.localScoreBlock());
        assertEquals(vscan.get("global_block").asInt(), tower.globalScoreBlock());
        try (NDManager manager = weights.newSubManager()) {
            QwenImageFeatures out = tower.forward(manager, List.of(image1),
                    Set.of(tower.localScoreBlock(), tower.globalScoreBlock())).get(0);
            assertScores(vscan.get("stage1_local_scores"), out.scores(tower.localScoreBlock()), "local");
            assertScores(vscan.get("stage1_global_scores"), out.scores(tower.globalScoreBlock()), "global");
            assertThrows(IllegalArgumentException.class, () -> out.scores(0));
        }
    }

    @Test
    void scoresOfAnyBlockSumToHeadsPerMergeUnit() {
        // Every query row's probabilities sum to 1 per head, windowed or not.
        try (NDManager manager = weights.newSubManager()) {
            for (QwenImageFeatures out : tower.forward(manager, List.of(image1, image2), Set.of(0, 1, 2, 3))) {
                for (int block = 0; block < 4; block++) {
                    double sum = 0;
                    for (float s : out.scores(block)) {
                        sum += s;
                    }
                    assertEquals(2.0 / 4, sum, 1e-5, "block " + block);
                }
            }
        }
    }

    @Test
    void twoImagesTogetherGiveEachTheFeaturesAndScoresItHasAlone() {
        JsonNode perImage = QwenFixture.expected().get("two_images").get("vscan").get("per_image");
        Set<Integer> blocks = Set.of(tower.localScoreBlock(), tower.globalScoreBlock());
        try (NDManager manager = weights.newSubManager()) {
            List<QwenImageFeatures> both = tower.forward(manager, List.of(image1, image2), blocks);
            List<QwenImage> images = List.of(image1, image2);
            for (int i = 0; i < 2; i++) {
                QwenImageFeatures alone = tower.forward(manager, List.of(images.get(i)), blocks).get(0);
                assertArrayEquals(alone.features().toFloatArray(), both.get(i).features().toFloatArray(), 1e-5f);
                assertScores(perImage.get(i).get("stage1_local_scores"), both.get(i).scores(1), "local " + i);
                assertScores(perImage.get(i).get("stage1_global_scores"), both.get(i).scores(3), "global " + i);
            }
            assertEquals(new Shape(72, 64), both.get(1).features().getShape());
            assertEquals(8, both.get(1).mergedHeight());
            assertEquals(9, both.get(1).mergedWidth());
        }
    }

    @Test
    void imagesOfDifferentSizesRunTogetherAsEachAlone() {
        // A 56x84 image (4x6 patches, 6 tokens) makes the full-attention runs of unequal length.
        int[] rgb = new int[56 * 84 * 3];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = random.nextInt(256);
        }
        QwenImage small = new QwenImagePreprocessor(QwenConfigReader.preprocessor(QwenFixture.dir()),
                ImageLimits.defaults()).fromRgb(rgb, 84, 56);
        assertEquals(6, small.tokens());
        List<QwenImage> images = List.of(image2, small, image1);
        try (NDManager manager = weights.newSubManager()) {
            List<QwenImageFeatures> together = tower.forward(manager, images, Set.of(0, 1, 3));
            for (int i = 0; i < images.size(); i++) {
                QwenImageFeatures alone = tower.forward(manager, List.of(images.get(i)), Set.of(0, 1, 3)).get(0);
                assertArrayEquals(alone.features().toFloatArray(), together.get(i).features().toFloatArray(), 1e-5f);
                for (int block : new int[] {0, 1, 3}) {
                    assertArrayEquals(alone.scores(block), together.get(i).scores(block), 1e-7f, "block " + block);
                }
            }
        }
    }

    @Test
    void attendingInQueryChunksChangesNothing() {
        List<QwenImage> images = List.of(image1, image2);
        try (NDManager manager = weights.newSubManager()) {
            List<QwenImageFeatures> whole = tower.forward(manager, images, Set.of(1, 3));
            List<QwenImageFeatures> chunks = chunked.forward(manager, images, Set.of(1, 3));
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(whole.get(i).features().toFloatArray(), chunks.get(i).features().toFloatArray(), 1e-5f);
                assertArrayEquals(whole.get(i).scores(1), chunks.get(i).scores(1), 1e-7f);
                assertArrayEquals(whole.get(i).scores(3), chunks.get(i).scores(3), 1e-7f);
            }
            int before = manager.getManagedArrays().size();
            chunked.forward(manager, images, Set.of(1, 3));
            assertEquals(before + 2, manager.getManagedArrays().size(), "the chunks' arrays are freed");
        }
    }

    @Test
    void onlyTheFeaturesOutliveTheForward() {
        int weightArrays = weights.getManagedArrays().size();
        try (NDManager manager = weights.newSubManager()) {
            tower.forward(manager, List.of(image1, image2), Set.of(1, 3));
            assertEquals(2, manager.getManagedArrays().size(), "one feature array per image");
        }
        assertEquals(weightArrays, weights.getManagedArrays().size(), "nothing added to the weights' manager");
    }

    @Test
    void refusesImagesMadeForAnotherTower() {
        QwenImage wrongRow = new QwenImage(1, 4, 4, 2, 588, new float[16 * 588]);
        try (NDManager manager = weights.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> tower.forward(manager, List.of(wrongRow), Set.of()));
            assertThrows(IllegalArgumentException.class, () -> tower.forward(manager, List.of(image1), Set.of(4)));
        }
    }

    private static void assertScores(JsonNode expected, float[] actual, String what) {
        assertEquals(expected.size(), actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected.get(i).asDouble(), actual[i], 1e-6, what + " score of merged token " + i);
        }
    }
}
