package dev.vscan.reduction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.StageOneTrace;
import dev.vscan.model.extension.ScoredImageFeatures;
import dev.vscan.model.extension.ScoredTokenReducer;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * VScan stage 1 for one Qwen2.5-VL image: {@link QwenScan} picks {@code int(ratio * tokens)} merged
 * tokens from the attention they receive in two vision blocks, and the dropped tokens are merged into
 * the kept ones after the PatchMerger, within the image (or left out, for the no-merge ablation). The
 * kept tokens' raster indices come back so that each keeps its original M-RoPE position.
 */
public final class QwenVScanReducer implements ScoredTokenReducer {

    private final double r1Ratio;
    private final IntUnaryOperator keepFor;
    private final QwenScanSettings settings;
    private final boolean merge;
    private final QwenScan scan;
    private final TokenMerger merger = new TokenMerger();

    /**
     * @param r1Ratio share of each image's tokens kept, in (0, 1]; an image keeps {@code int(r1Ratio * tokens)}
     * @param merge   false for the {@code vscan-nomerge} ablation: dropped tokens are discarded
     */
    public QwenVScanReducer(double r1Ratio, QwenScanSettings settings, boolean merge, ScanMode mode) {
        this(checkedRatio(r1Ratio), tokens -> QwenScan.r1(r1Ratio, tokens), settings, merge, mode);
    }

    /**
     * A reducer whose stage 1 keeps {@code keepFor.applyAsInt(tokens)} of an image's tokens (clamped to
     * 1..tokens): a count per image, or a budget's rule.
     */
    public static QwenVScanReducer keeping(IntUnaryOperator keepFor, QwenScanSettings settings, boolean merge,
            ScanMode mode) {
        return new QwenVScanReducer(Double.NaN, keepFor, settings, merge, mode);
    }

    private QwenVScanReducer(double r1Ratio, IntUnaryOperator keepFor, QwenScanSettings settings, boolean merge,
            ScanMode mode) {
        if (settings == null || mode == null) {
            throw new IllegalArgumentException("VScan stage 1 needs scan settings and a scan mode");
        }
        this.keepFor = tokens -> Math.max(1, Math.min(tokens, keepFor.applyAsInt(tokens)));
        this.r1Ratio = r1Ratio;
        this.settings = settings;
        this.merge = merge;
        this.scan = new QwenScan(mode, settings.windowSide());
    }

    /** VScan or one of its ablations by method: {@code vscan-global}, {@code vscan-local}, {@code vscan-nomerge}. */
    public static QwenVScanReducer forMethod(ReductionMethod method, double r1Ratio, QwenScanSettings settings) {
        if (method == null || !method.isVScan()) {
            throw new IllegalArgumentException("QwenVScanReducer runs VScan and its ablations, not " + method);
        }
        ScanMode mode = switch (method) {
            case VSCAN_GLOBAL -> ScanMode.GLOBAL_ONLY;
            case VSCAN_LOCAL -> ScanMode.LOCAL_ONLY;
            default -> ScanMode.BOTH;
        };
        return new QwenVScanReducer(r1Ratio, settings, method != ReductionMethod.VSCAN_NOMERGE, mode);
    }

    private static double checkedRatio(double r1Ratio) {
        if (!(r1Ratio > 0 && r1Ratio <= 1)) {
            throw new IllegalArgumentException("r1Ratio is the share of an image's tokens stage 1 keeps, in (0, 1], got "
                    + r1Ratio);
        }
        return r1Ratio;
    }

    /** The ratio this reducer was made with; NaN for one made by {@link #keeping}. */
    public double r1Ratio() {
        return r1Ratio;
    }

    /** Tokens stage 1 keeps of an image of {@code tokens} merged tokens. */
    public int keeps(int tokens) {
        return keepFor.applyAsInt(tokens);
    }

    public QwenScanSettings settings() {
        return settings;
    }

    public ScanMode mode() {
        return scan.mode();
    }

    public boolean merges() {
        return merge;
    }

    @Override
    public Set<Integer> scoredBlocks(int depth, int[] fullAttentionBlocks) {
        Set<Integer> blocks = new TreeSet<>();
        if (mode() != ScanMode.GLOBAL_ONLY) {
            blocks.add(settings.localBlock());
        }
        if (mode() != ScanMode.LOCAL_ONLY) {
            blocks.add(settings.globalBlock());
        }
        for (int block : blocks) {
            if (block >= depth) {
                throw new IllegalArgumentException("VScan reads the attention of vision block " + block
                        + " but the tower has blocks 0.." + (depth - 1));
            }
        }
        return blocks;
    }

    /** Which tokens stage 1 keeps in this image. */
    public ScanSelection select(ScoredImageFeatures image) {
        return scan.select(
                scores(image, settings.localBlock(), mode() != ScanMode.GLOBAL_ONLY),
                scores(image, settings.globalBlock(), mode() != ScanMode.LOCAL_ONLY),
                image.gridHeight(), image.gridWidth(), keeps(image.count()));
    }

    @Override
    public ReducedImage reduce(ScoredImageFeatures image) {
        if (keeps(image.count()) >= image.count()) {
            return ScoredTokenReducer.NONE.reduce(image);
        }
        ScanSelection selection = select(image);
        int[] kept = selection.kept();
        if (!merge) {
            return new ReducedImage(rows(image.tokens(), kept), kept,
                    StageOneTrace.withoutMerging(selection.local(), selection.global(), kept, image.count()));
        }
        TokenMerger.Merged merged = merger.mergeTracked(image.tokens(), kept);
        return new ReducedImage(merged.tokens(), kept,
                new StageOneTrace(selection.local(), selection.global(), merged.targets()));
    }

    private static float[] scores(ScoredImageFeatures image, int block, boolean needed) {
        if (!needed) {
            return null;
        }
        NDArray scores = image.receivedAttention().get(block);
        if (scores == null) {
            throw new IllegalStateException("the vision tower returned no attention scores for block " + block
                    + " (it returned blocks " + new TreeSet<>(image.receivedAttention().keySet())
                    + "); it must score the blocks QwenVScanReducer.scoredBlocks asks for");
        }
        return scores.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static NDArray rows(NDArray tokens, int[] kept) {
        long[] rows = new long[kept.length];
        for (int i = 0; i < kept.length; i++) {
            rows[i] = kept[i];
        }
        return tokens.get(tokens.getManager().create(rows));
    }
}
