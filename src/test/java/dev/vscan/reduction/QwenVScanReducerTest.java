package dev.vscan.reduction;

import static dev.vscan.reduction.QwenScanFixture.floats;
import static dev.vscan.reduction.QwenScanFixture.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.ScoredImageFeatures;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Qwen stage-1 reducer on the reference's scores (tower of 4 blocks, full attention in blocks 1
 * and 3). The fixture has no merged features, so the features here are built so that each dropped
 * token is closest to the kept token the reference merged it into ({@code merge_target}).
 */
class QwenVScanReducerTest {

    private static final QwenScanSettings SETTINGS = QwenScanSettings.reference(4, new int[] {1, 3});
    private static final int KEPT = 36;

    private static NDManager manager;

    @BeforeAll
    static void start() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static QwenVScanReducer reducer(boolean merge, ScanMode mode) {
        return new QwenVScanReducer(0.5, SETTINGS, merge, mode);
    }

    /** An image of the fixture with the given features and both blocks' scores. */
    private static ScoredImageFeatures image(JsonNode scores, NDArray tokens, int[] grid) {
        return new ScoredImageFeatures(tokens, Map.of(
                SETTINGS.localBlock(), manager.create(floats(scores.get("stage1_local_scores"))),
                SETTINGS.globalBlock(), manager.create(floats(scores.get("stage1_global_scores")))), grid[0], grid[1]);
    }

    /**
     * 72 tokens of width 36 + 72: the j-th kept token is the unit vector e_j; a dropped token u merged
     * into the j-th kept token is e_j + 0.01 e_(36+u), closest to e_j and recognisable in a sum.
     */
    private static float[][] mergeTargetFeatures(int[] kept, Map<Integer, Integer> mergeTarget) {
        float[][] rows = new float[72][KEPT + 72];
        for (int j = 0; j < kept.length; j++) {
            rows[kept[j]][j] = 1;
        }
        mergeTarget.forEach((dropped, target) -> {
            rows[dropped][indexOf(kept, target)] = 1;
            rows[dropped][KEPT + dropped] = 0.01f;
        });
        return rows;
    }

    /** The merge written out: each kept row becomes the mean of itself and the rows merged into it. */
    private static float[] expectedMerge(float[][] rows, int[] kept, Map<Integer, Integer> mergeTarget) {
        int width = rows[0].length;
        float[] out = new float[kept.length * width];
        for (int j = 0; j < kept.length; j++) {
            float[] sum = rows[kept[j]].clone();
            int members = 1;
            for (Map.Entry<Integer, Integer> e : mergeTarget.entrySet()) {
                if (e.getValue() == kept[j]) {
                    for (int d = 0; d < width; d++) {
                        sum[d] += rows[e.getKey()][d];
                    }
                    members++;
                }
            }
            for (int d = 0; d < width; d++) {
                out[j * width + d] = sum[d] / members;
            }
        }
        return out;
    }

    private static NDArray tokens(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private static NDArray counting(int tokens, int width) {
        return manager.arange(0f, tokens * width, 1f).reshape(tokens, width);
    }

    @Test
    void keptTokensAreTheReferencesAndEachAbsorbsTheTokensMergedIntoIt() {
        JsonNode vscan = QwenScanFixture.vscan();
        int[] kept = ints(vscan.get("kept_after_stage1"));
        Map<Integer, Integer> mergeTarget = QwenScanFixture.mergeTarget();
        // the fixture merges exactly the tokens stage 1 drops
        assertArrayEquals(IntStream.range(0, 72).filter(t -> indexOrMinus(kept, t) < 0).toArray(),
                mergeTarget.keySet().stream().mapToInt(Integer::intValue).toArray());
        float[][] rows = mergeTargetFeatures(kept, mergeTarget);
        ReducedImage reduced = reducer(true, ScanMode.BOTH)
                .reduce(image(vscan, tokens(rows), QwenScanFixture.IMAGE1_GRID));
        assertArrayEquals(kept, reduced.keptPatchIndices());
        assertArrayEquals(expectedMerge(rows, kept, mergeTarget), reduced.embeddings().toFloatArray(),
                1e-6f);
        // and the trace says the same: the scans' picks and where every dropped token went
        assertArrayEquals(ints(vscan.get("local_indices")), reduced.stageOne().localPicks());
        assertArrayEquals(ints(vscan.get("global_indices")), reduced.stageOne().globalPicks());
        int[] targets = IntStream.range(0, 72).map(t -> mergeTarget.getOrDefault(t, t)).toArray();
        assertArrayEquals(targets, reduced.stageOne().mergeTargets());
    }

    @Test
    void withoutMergingTheKeptTokensAreCopiedUnchanged() {
        JsonNode vscan = QwenScanFixture.vscan();
        NDArray tokens = counting(72, 4);
        ReducedImage reduced = reducer(false, ScanMode.BOTH).reduce(image(vscan, tokens, QwenScanFixture.IMAGE1_GRID));
        int[] kept = ints(vscan.get("kept_after_stage1"));
        float[] expected = new float[kept.length * 4];
        for (int i = 0; i < kept.length; i++) {
            for (int d = 0; d < 4; d++) {
                expected[i * 4 + d] = kept[i] * 4 + d;
            }
        }
        assertArrayEquals(kept, reduced.keptPatchIndices());
        assertArrayEquals(expected, reduced.embeddings().toFloatArray());
    }

    @Test
    void eachImageOfAPromptIsReducedOnItsOwnGrid() {
        int[][] grids = {QwenScanFixture.IMAGE1_GRID, QwenScanFixture.IMAGE2_GRID};
        for (int i = 0; i < 2; i++) {
            JsonNode expected = QwenScanFixture.perImage(i);
            ReducedImage reduced = reducer(true, ScanMode.BOTH).reduce(image(expected, counting(72, 4), grids[i]));
            assertArrayEquals(ints(expected.get("kept_after_stage1")), reduced.keptPatchIndices());
            assertEquals(KEPT, reduced.tokens());
        }
    }

    @Test
    void theAblationsReadOneBlockAndKeepThatScansPicks() {
        JsonNode vscan = QwenScanFixture.vscan();
        float[] global = floats(vscan.get("stage1_global_scores"));
        QwenVScanReducer globalOnly = reducer(true, ScanMode.GLOBAL_ONLY);
        assertEquals(Set.of(3), globalOnly.scoredBlocks(4, new int[] {1, 3}));
        ScoredImageFeatures onlyGlobalScores = new ScoredImageFeatures(counting(72, 4),
                Map.of(3, manager.create(global)), 9, 8);
        int[] top36 = IntStream.range(0, 72).boxed().sorted((a, b) -> Float.compare(global[b], global[a]))
                .limit(KEPT).mapToInt(Integer::intValue).sorted().toArray();
        assertArrayEquals(top36, globalOnly.reduce(onlyGlobalScores).keptPatchIndices());

        QwenVScanReducer localOnly = reducer(true, ScanMode.LOCAL_ONLY);
        assertEquals(Set.of(1), localOnly.scoredBlocks(4, new int[] {1, 3}));
        ScoredImageFeatures onlyLocalScores = new ScoredImageFeatures(counting(72, 4),
                Map.of(1, manager.create(floats(vscan.get("stage1_local_scores")))), 9, 8);
        ScanSelection picks = localOnly.select(onlyLocalScores);
        assertEquals(KEPT, picks.local().length);
        assertArrayEquals(picks.kept(), localOnly.reduce(onlyLocalScores).keptPatchIndices());
    }

    @Test
    void eachVScanMethodNamesItsScanModeAndMerge() {
        QwenVScanReducer vscan = QwenVScanReducer.forMethod(ReductionMethod.VSCAN, 0.5, SETTINGS);
        assertEquals(ScanMode.BOTH, vscan.mode());
        assertTrue(vscan.merges());
        assertEquals(ScanMode.GLOBAL_ONLY,
                QwenVScanReducer.forMethod(ReductionMethod.VSCAN_GLOBAL, 0.5, SETTINGS).mode());
        assertEquals(ScanMode.LOCAL_ONLY, QwenVScanReducer.forMethod(ReductionMethod.VSCAN_LOCAL, 0.5, SETTINGS).mode());
        QwenVScanReducer noMerge = QwenVScanReducer.forMethod(ReductionMethod.VSCAN_NOMERGE, 0.5, SETTINGS);
        assertEquals(ScanMode.BOTH, noMerge.mode());
        assertFalse(noMerge.merges());
        assertThrows(IllegalArgumentException.class,
                () -> QwenVScanReducer.forMethod(ReductionMethod.FASTV, 0.5, SETTINGS));
    }

    @Test
    void theReferenceBlocksAreTheFirstFullAttentionBlockAndTheLast() {
        JsonNode vscan = QwenScanFixture.vscan();
        assertEquals(vscan.get("local_block").asInt(), SETTINGS.localBlock());
        assertEquals(vscan.get("global_block").asInt(), SETTINGS.globalBlock());
        assertEquals(Set.of(1, 3), reducer(true, ScanMode.BOTH).scoredBlocks(4, new int[] {1, 3}));
        QwenScanSettings sevenB = QwenScanSettings.reference(32, new int[] {7, 15, 23, 31});
        assertEquals(7, sevenB.localBlock());
        assertEquals(31, sevenB.globalBlock());
    }

    @Test
    void aRatioOfOneKeepsTheImageAsItIs() {
        NDArray tokens = counting(72, 4);
        ReducedImage reduced = new QwenVScanReducer(1.0, SETTINGS, true, ScanMode.BOTH)
                .reduce(new ScoredImageFeatures(tokens, Map.of(), 9, 8));
        assertSame(tokens, reduced.embeddings());
        assertArrayEquals(IntStream.range(0, 72).toArray(), reduced.keptPatchIndices());
    }

    @Test
    void rejectsMissingScoresBlocksOutsideTheTowerAndBadRatios() {
        ScoredImageFeatures unscored = new ScoredImageFeatures(counting(72, 4), Map.of(), 9, 8);
        assertThrows(IllegalStateException.class, () -> reducer(true, ScanMode.BOTH).reduce(unscored));
        assertThrows(IllegalArgumentException.class, () -> reducer(true, ScanMode.BOTH).scoredBlocks(3, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new QwenVScanReducer(0, SETTINGS, true, ScanMode.BOTH));
        assertThrows(IllegalArgumentException.class, () -> new ScoredImageFeatures(counting(70, 4), Map.of(), 9, 8));
    }

    private static int indexOf(int[] kept, int token) {
        int i = indexOrMinus(kept, token);
        if (i < 0) {
            throw new IllegalArgumentException(token + " is not a kept token");
        }
        return i;
    }

    private static int indexOrMinus(int[] kept, int token) {
        int i = Arrays.binarySearch(kept, token);
        return i >= 0 ? i : -1;
    }
}
