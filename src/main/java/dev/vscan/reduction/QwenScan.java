package dev.vscan.reduction;

/**
 * VScan stage 1 selection for one Qwen2.5-VL image, from the attention each merged token receives in
 * the local and the global vision block: {@code floor(r1 / 2)} tokens by the windowed
 * {@link QwenLocalScan}, the rest by the {@link GlobalScan} over the tokens not yet picked (the
 * reference zeroes the local picks' global scores; attention probabilities are positive, so this is
 * the same). The ablations give the whole budget to one scan.
 */
public final class QwenScan {

    private final ScanMode mode;
    private final int windowSide;
    private final QwenLocalScan localScan = new QwenLocalScan();
    private final GlobalScan globalScan = new GlobalScan();

    /** The reference's 4x4-token windows. */
    public QwenScan(ScanMode mode) {
        this(mode, QwenWindows.REFERENCE_SIDE);
    }

    public QwenScan(ScanMode mode, int windowSide) {
        if (mode == null) {
            throw new IllegalArgumentException("the Qwen scan needs a scan mode");
        }
        if (windowSide < 1) {
            throw new IllegalArgumentException("the window side must be at least 1 merged token, got " + windowSide);
        }
        this.mode = mode;
        this.windowSide = windowSide;
    }

    public ScanMode mode() {
        return mode;
    }

    /**
     * Tokens one image keeps at a ratio: {@code int(ratio * tokens)} as the reference computes it,
     * but at least one (the merge needs a token to merge into) and at most all.
     */
    public static int r1(double ratio, int tokens) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("the stage-1 ratio is a share of the image's tokens in (0, 1], got "
                    + ratio);
        }
        return Math.max(1, Math.min(tokens, (int) (ratio * tokens)));
    }

    /** Tokens of a budget the local scan takes under this mode: the reference's {@code r1 // 2} for both scans. */
    public int localCount(int r1) {
        return switch (mode) {
            case BOTH -> r1 / 2;
            case GLOBAL_ONLY -> 0;
            case LOCAL_ONLY -> r1;
        };
    }

    /** The image's local windows. */
    public QwenWindows windows(int gridHeight, int gridWidth) {
        return new QwenWindows(gridHeight, gridWidth, windowSide);
    }

    /**
     * @param localScores  per merged token (raster order) from the local block; may be null under GLOBAL_ONLY
     * @param globalScores per merged token from the global block; may be null under LOCAL_ONLY
     * @param r1           tokens to keep; above the token count every token is kept
     */
    public ScanSelection select(float[] localScores, float[] globalScores, int gridHeight, int gridWidth, int r1) {
        if (r1 < 1) {
            throw new IllegalArgumentException("stage 1 must keep at least one token per image, got r1=" + r1);
        }
        QwenWindows windows = windows(gridHeight, gridWidth);
        int budget = Math.min(r1, windows.tokens());
        int nLocal = localCount(budget);
        int[] local = nLocal == 0 ? new int[0] : localScan.select(localScores, windows, nLocal);
        int nGlobal = budget - nLocal;
        int[] global = nGlobal == 0 ? new int[0] : globalScan.select(checked(globalScores, windows), local, nGlobal);
        return ScanSelection.of(local, global);
    }

    private static float[] checked(float[] scores, QwenWindows windows) {
        PatchRanking.checkScores("global-scan", scores, windows.tokens());
        return scores;
    }
}
