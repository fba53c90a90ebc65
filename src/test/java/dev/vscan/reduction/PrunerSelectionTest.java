package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.extension.PruneContext;
import dev.vscan.model.extension.PruneDecision;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which tokens each pruner keeps, on hand-made scores. */
class PrunerSelectionTest {

    // Sequence of 8: text 0, visual 1..5, text 6 and 7.
    private static final int[] VISUAL = {1, 2, 3, 4, 5};
    private static final float[] NEXT = {0.30f, 0.05f, 0.20f, 0.10f, 0.20f, 0.01f, 0.04f, 0.10f};
    private static final float[] LAST = {0.40f, 0.15f, 0.01f, 0.02f, 0.03f, 0.25f, 0.04f, 0.10f};

    private static PruneContext context(int layersDone, int[] visual) {
        return new PruneContext(layersDone, visual, NEXT.length, () -> NEXT.clone(), () -> LAST.clone());
    }

    private static final Supplier<float[]> FORBIDDEN = () -> {
        throw new AssertionError("scores must not be computed when every token is kept");
    };

    @Test
    void rankingBreaksTiesTowardTheLowerIndexAndReturnsSequenceOrder() {
        // Tokens 2 and 4 tie at 0.20; the lower index wins the last place.
        assertArrayEquals(new int[] {2}, VisualTokenRanking.top(NEXT, VISUAL, 1));
        assertArrayEquals(new int[] {2, 3, 4}, VisualTokenRanking.top(NEXT, VISUAL, 3));
        assertArrayEquals(new int[] {2, 4}, VisualTokenRanking.top(NEXT, VISUAL, 2));
        assertArrayEquals(new int[] {}, VisualTokenRanking.top(NEXT, VISUAL, 0));
        assertArrayEquals(VISUAL, VisualTokenRanking.top(NEXT, VISUAL, 9));
        assertArrayEquals(new int[] {3, 4}, VisualTokenRanking.top(new float[] {0, 0, 0, 1, 1, 1}, VISUAL, 2));
    }

    @Test
    void middleLayerPrunerReadsTheNextLayerScoreAndRenumbers() {
        PruneDecision decision = new MiddleLayerPruner(2, 2).decide(context(2, VISUAL));
        assertArrayEquals(new int[] {2, 4}, decision.keptVisualTokens());
        assertTrue(decision.renumberPositions());
        assertArrayEquals(new int[] {2}, new MiddleLayerPruner(2, 2).pruneAfterLayers());
    }

    @Test
    void aBudgetAboveTheVisualCountKeepsAllWithoutScoring() {
        PruneContext context = new PruneContext(2, VISUAL, 8, FORBIDDEN, FORBIDDEN);
        assertArrayEquals(VISUAL, new MiddleLayerPruner(2, 5).decide(context).keptVisualTokens());
        assertArrayEquals(VISUAL, new FastVPruner(2, 50).decide(context).keptVisualTokens());
        assertArrayEquals(new int[] {}, new MiddleLayerPruner(2, 5)
                .decide(new PruneContext(2, new int[0], 3, FORBIDDEN, FORBIDDEN)).keptVisualTokens());
    }

    @Test
    void fastVReadsTheLastLayerAttentionAndKeepsPositions() {
        PruneDecision decision = new FastVPruner(2).decide(context(2, VISUAL));
        assertArrayEquals(new int[] {1, 5}, decision.keptVisualTokens());
        assertFalse(decision.renumberPositions());
        assertArrayEquals(new int[] {FastVPruner.DEFAULT_LAYER}, new FastVPruner(2).pruneAfterLayers());
    }

    @Test
    void pyramidDropKeepsItsStageRatioOfWhatIsLeft() {
        PyramidDropPruner pyramid = new PyramidDropPruner(new int[] {1, 3}, new double[] {0.6, 0.5});
        assertArrayEquals(new int[] {2, 3, 4}, pyramid.decide(context(1, VISUAL)).keptVisualTokens());
        PruneDecision second = pyramid.decide(context(3, new int[] {2, 3, 4}));
        assertArrayEquals(new int[] {2, 4}, second.keptVisualTokens(), "round(1.5) = 2");
        assertTrue(second.renumberPositions());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pyramid.decide(context(2, VISUAL)));
        assertEquals("PyramidDrop was called after layer 2 but prunes only after [1, 3]", e.getMessage());
    }

    @Test
    void pyramidDropStandardStagesAndCounts() {
        assertArrayEquals(new int[] {8, 16, 24}, PyramidDropPruner.standard(32).pruneAfterLayers());
        assertArrayEquals(new int[] {7, 14, 21}, PyramidDropPruner.standard(28).pruneAfterLayers());
        assertEquals(288, PyramidDropPruner.keptCount(576, 0.5));
        assertEquals(3, PyramidDropPruner.keptCount(5, 0.5));
        assertEquals(1, PyramidDropPruner.keptCount(3, 0.1), "never empties the image by rounding");
        assertEquals(0, PyramidDropPruner.keptCount(0, 0.5));
    }

    @Test
    void invalidSettingsAreRefusedWithAReason() {
        assertEquals("stage-2 layer must be at least 1 (decoder layers run before pruning), got 0",
                assertThrows(IllegalArgumentException.class, () -> new MiddleLayerPruner(0, 16)).getMessage());
        assertEquals("stage-2 budget R2 must not be negative, got -1",
                assertThrows(IllegalArgumentException.class, () -> new MiddleLayerPruner(2, -1)).getMessage());
        assertEquals("PyramidDrop layers must be strictly ascending and at least 1: [8, 8]",
                assertThrows(IllegalArgumentException.class,
                        () -> new PyramidDropPruner(new int[] {8, 8}, 0.5)).getMessage());
        assertEquals("PyramidDrop ratio 0.0 of stage 1 must be in (0, 1]",
                assertThrows(IllegalArgumentException.class,
                        () -> new PyramidDropPruner(new int[] {8, 16}, new double[] {0.5, 0})).getMessage());
        assertEquals("PyramidDrop's standard stages need at least 4 decoder layers, got 3",
                assertThrows(IllegalArgumentException.class, () -> PyramidDropPruner.standard(3)).getMessage());
    }
}
