package dev.vscan.reduction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.StageOneTrace;
import dev.vscan.model.extension.VisualTokenReducer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * VScan stage 1 for one image: local and global scans over the vision tower's [CLS] attention pick
 * R1 patches, every patch is projected into the language model's space, and the dropped tokens are
 * merged into the kept ones (or simply left out, for the no-merge ablation).
 */
public final class VScanReducer implements VisualTokenReducer {

    private final int r1;
    private final ScanSettings settings;
    private final boolean merge;
    private final ScanMode mode;
    private final LocalScan localScan;
    private final GlobalScan globalScan = new GlobalScan();
    private final TokenMerger merger = new TokenMerger();

    /**
     * @param r1    tokens kept per image; at or above the patch count every patch is kept unmerged,
     *              exactly like {@link VisualTokenReducer#NONE}
     * @param merge false for the {@code vscan-nomerge} ablation: dropped tokens are discarded
     */
    public VScanReducer(int r1, ScanSettings settings, boolean merge, ScanMode mode) {
        if (r1 < 1) {
            throw new IllegalArgumentException("VScan stage 1 must keep at least one token per image, got r1=" + r1);
        }
        if (settings == null || mode == null) {
            throw new IllegalArgumentException("VScan stage 1 needs scan settings and a scan mode");
        }
        this.r1 = r1;
        this.settings = settings;
        this.merge = merge;
        this.mode = mode;
        this.localScan = new LocalScan(settings.windowRows(), settings.windowCols());
    }

    public int r1() {
        return r1;
    }

    public ScanSettings settings() {
        return settings;
    }

    public ScanMode mode() {
        return mode;
    }

    public boolean merges() {
        return merge;
    }

    @Override
    public Set<Integer> attentionLayers(int visionLayersRun) {
        Set<Integer> layers = new TreeSet<>();
        if (mode != ScanMode.GLOBAL_ONLY) {
            layers.add(settings.localLayer());
        }
        if (mode != ScanMode.LOCAL_ONLY) {
            layers.add(settings.deepLayer());
        }
        for (int layer : layers) {
            if (layer >= visionLayersRun) {
                throw new IllegalArgumentException("VScan reads the [CLS] attention of vision layer " + layer
                        + " but only layers 0.." + (visionLayersRun - 1)
                        + " run; choose scan layers below the feature layer (see ScanSettings.defaults)");
            }
        }
        return layers;
    }

    /** Tokens of the budget the local scan fills under this reducer's mode. */
    int localCount(int budget) {
        return switch (mode) {
            case BOTH -> settings.localCount(budget);
            case GLOBAL_ONLY -> 0;
            case LOCAL_ONLY -> budget;
        };
    }

    /**
     * Which patches stage 1 keeps, from the two layers' per-patch scores (raster order). A score array
     * the mode does not read may be null. With r1 at or above the patch count every patch is kept.
     */
    public ScanSelection select(float[] localScores, float[] deepScores, int gridHeight, int gridWidth) {
        int patches = gridHeight * gridWidth;
        int budget = Math.min(r1, patches);
        int nLocal = localCount(budget);
        int[] local = nLocal == 0 ? new int[0]
                : localScan.select(localScores, gridHeight, gridWidth, nLocal);
        int nGlobal = budget - nLocal;
        int[] global = nGlobal == 0 ? new int[0]
                : globalScan.select(checkLength(deepScores, patches), local, nGlobal);
        return ScanSelection.of(local, global);
    }

    @Override
    public ReducedImage reduce(ImageFeatures image, UnaryOperator<NDArray> projector) {
        if (r1 >= image.patches()) {
            return VisualTokenReducer.NONE.reduce(image, projector);
        }
        ScanSelection selection = select(
                scores(image, settings.localLayer(), mode != ScanMode.GLOBAL_ONLY),
                scores(image, settings.deepLayer(), mode != ScanMode.LOCAL_ONLY),
                image.gridHeight(), image.gridWidth());
        // spec step 7: merging happens in the language model's embedding space
        NDArray projected = projector.apply(image.features());
        if (!merge) {
            return new ReducedImage(keptRows(projected, selection.kept()), selection.kept(),
                    StageOneTrace.withoutMerging(selection.local(), selection.global(), selection.kept(), image.patches()));
        }
        TokenMerger.Merged merged = merger.mergeTracked(projected, selection.kept());
        return new ReducedImage(merged.tokens(), selection.kept(),
                new StageOneTrace(selection.local(), selection.global(), merged.targets()));
    }

    private static float[] scores(ImageFeatures image, int layer, boolean needed) {
        if (!needed) {
            return null;
        }
        Map<Integer, NDArray> attention = image.clsAttention();
        NDArray row = attention.get(layer);
        if (row == null) {
            throw new IllegalStateException("the vision tower returned no [CLS] attention for layer " + layer
                    + " (it returned layers " + new TreeSet<>(attention.keySet())
                    + "); the engine must run the layers VScanReducer.attentionLayers asks for");
        }
        return row.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static float[] checkLength(float[] scores, int patches) {
        PatchRanking.checkScores("global-scan", scores, patches);
        return scores;
    }

    private static NDArray keptRows(NDArray tokens, int[] kept) {
        long[] rows = new long[kept.length];
        for (int i = 0; i < kept.length; i++) {
            rows[i] = kept[i];
        }
        return tokens.get(tokens.getManager().create(rows));
    }
}
