package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.extension.SequencePruner;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Budgets on LLaVA-NeXT, on the reference checkpoint: 64 tokens per crop, four decoder layers, and a
 * largest pinpoint of 2x2 tiles, so an image has at most 5 x 64 = 320 visual tokens before packing.
 */
class AnyResPlanTest {

    /** The reference image (250x160) packs to 234 tokens; its transpose to 240. */
    private static final int[] ONE_IMAGE = {234};
    private static final int[] TWO_IMAGES = {234, 240};

    private static LlavaNextConfig fixture() throws URISyntaxException {
        Path dir = Path.of(AnyResPlanTest.class.getResource("/llava-next-reference/config.json").toURI()).getParent();
        return ConfigLoader.loadNext(dir);
    }

    @Test
    void theUpperBoundIsTheBaseCropAndTheLargestTileGrid() throws URISyntaxException {
        assertEquals(320, ReductionPlan.upperBoundTokens(fixture()));
    }

    @Test
    void aPaperPresetScansEachCropByLlavasRuleAndKeepsTheSameShareOfEachImage() throws URISyntaxException {
        // 320 of 2,880 is 1/9: per 64-token crop an average of 7, so r1 = round(1.5 x 7) = 11 and r2 = 3
        ReductionPlan plan = ReductionPlan.ofAnyRes(ReductionConfig.nextPaperPreset(ReductionMethod.VSCAN, 320),
                fixture(), ONE_IMAGE);
        assertEquals(new Budget(11, 3, 2), plan.budget());
        assertEquals(11, ((VScanReducer) plan.reducer()).r1());
        MiddleLayerPruner stage2 = assertInstanceOf(MiddleLayerPruner.class, plan.pruner());
        assertEquals(2, stage2.layer());
        assertEquals(Math.round(3 / 64.0 * 234), stage2.keep(), "3 of every 64 tokens of the image stay");

        ReductionPlan two = ReductionPlan.ofAnyRes(ReductionConfig.nextPaperPreset(ReductionMethod.VSCAN, 320),
                fixture(), TWO_IMAGES);
        assertEquals(Math.round(3 / 64.0 * 234) + Math.round(3 / 64.0 * 240),
                ((MiddleLayerPruner) two.pruner()).keep(), "each image keeps its own share");
    }

    @Test
    void neitherSizeMeansTheDefaultOneNinth() throws URISyntaxException {
        ReductionConfig unsized = ReductionConfig.explicit(ReductionMethod.VSCAN, null, null, null);
        assertEquals(ReductionPlan.ofAnyRes(ReductionConfig.nextPaperPreset(ReductionMethod.VSCAN, 320), fixture(),
                ONE_IMAGE).budget(), ReductionPlan.ofAnyRes(unsized, fixture(), ONE_IMAGE).budget());
    }

    @Test
    void anAbsoluteBudgetIsReadAgainstTheModelsUpperBound() throws URISyntaxException {
        ReductionPlan half = ReductionPlan.ofAnyRes(ReductionConfig.ofBudget(ReductionMethod.VSCAN, 160), fixture(),
                ONE_IMAGE);
        ReductionPlan sameShare = ReductionPlan.ofAnyRes(ReductionConfig.fraction(ReductionMethod.VSCAN, 0.5),
                fixture(), ONE_IMAGE);
        assertEquals(sameShare.budget(), half.budget());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReductionPlan.ofAnyRes(ReductionConfig.ofBudget(ReductionMethod.VSCAN, 640), fixture(), ONE_IMAGE));
        assertTrue(e.getMessage().contains("exceeds the 320 visual tokens"), e.getMessage());
    }

    @Test
    void theBaselinesTakeNextBudgetsToo() throws URISyntaxException {
        ReductionPlan fastv = ReductionPlan.ofAnyRes(ReductionConfig.fraction(ReductionMethod.FASTV, 0.75), fixture(),
                ONE_IMAGE);
        FastVPruner prune = assertInstanceOf(FastVPruner.class, fastv.pruner());
        assertEquals(ReductionConfig.FASTV_LAYER, prune.layer());
        // all 64 through layers 0-1, then r2 = 32 keeps the average at 48 of 64: half of the image stays
        assertEquals(117, prune.keep());

        ReductionPlan pdrop = ReductionPlan.ofAnyRes(ReductionConfig.fraction(ReductionMethod.PDROP, 0.5), fixture(),
                ONE_IMAGE);
        assertArrayEquals(new int[] {1, 2, 3}, assertInstanceOf(PyramidDropPruner.class, pdrop.pruner())
                .pruneAfterLayers());

        ReductionPlan zip = ReductionPlan.ofAnyRes(ReductionConfig.fraction(ReductionMethod.VISIONZIP, 0.25),
                fixture(), ONE_IMAGE);
        VisionZipReducer perCrop = assertInstanceOf(VisionZipReducer.class, zip.reducer());
        assertEquals(16, perCrop.dominant() + perCrop.contextual());
        assertSame(SequencePruner.NONE, zip.pruner());
    }

    @Test
    void explicitSettingsStayPerCropAndPerImage() throws URISyntaxException {
        ReductionPlan plan = ReductionPlan.ofAnyRes(ReductionConfig.explicit(ReductionMethod.VSCAN, 32, 58, 2),
                fixture(), TWO_IMAGES);
        assertEquals(32, ((VScanReducer) plan.reducer()).r1());
        assertEquals(2 * 58, ((MiddleLayerPruner) plan.pruner()).keep());
        IllegalArgumentException pdrop = assertThrows(IllegalArgumentException.class, () -> ReductionPlan.ofAnyRes(
                ReductionConfig.explicit(ReductionMethod.PDROP, null, 20, 1), fixture(), ONE_IMAGE));
        assertTrue(pdrop.getMessage().contains("takes a budget or fraction"), pdrop.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> ReductionPlan.ofAnyRes(
                ReductionConfig.explicit(ReductionMethod.VSCAN, 65, null, null), fixture(), ONE_IMAGE));
        assertTrue(tooMany.getMessage().contains("exceeds the 64 tokens of a crop"), tooMany.getMessage());
    }
}
