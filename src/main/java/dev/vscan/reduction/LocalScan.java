package dev.vscan.reduction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * VScan's local scan: the patch grid is cut into a grid of windows and each window keeps its
 * best-scoring patches, so that every region of the image keeps some tokens.
 *
 * <p>Window boundaries: window row {@code r} covers patch rows {@code [r*h, (r+1)*h)} with
 * {@code h = gridHeight / windowRows}; the rows left over when the grid does not divide evenly go
 * to the last window row (columns likewise).
 *
 * <p>Budget per window: each of the W windows keeps its top {@code floor(n / W)} patches (the
 * reference rule). The remaining {@code n mod W} are handed out one per window to the windows whose
 * best not-yet-kept patch scores highest (ties: lower window index), so exactly n patches are kept.
 * When n is a multiple of W there is no remainder and the result equals the reference's. Should a
 * window be too small for its share, its shortfall joins the remainder and is handed out the same
 * way, in as many rounds as needed.
 *
 * <p>Score ties inside a window go to the lower patch index.
 */
public final class LocalScan {

    private final int windowRows;
    private final int windowCols;

    public LocalScan(int windowRows, int windowCols) {
        if (windowRows < 1 || windowCols < 1) {
            throw new IllegalArgumentException("the local scan needs at least a 1x1 window grid, got "
                    + windowRows + "x" + windowCols);
        }
        this.windowRows = windowRows;
        this.windowCols = windowCols;
    }

    /**
     * @param scores     per-patch score in raster order, {@code gridHeight * gridWidth} long
     * @param keep       patches to keep in total
     * @return the kept patch indices, ascending
     */
    public int[] select(float[] scores, int gridHeight, int gridWidth, int keep) {
        int patches = gridHeight * gridWidth;
        PatchRanking.checkScores("local-scan", scores, patches);
        if (gridHeight < windowRows || gridWidth < windowCols) {
            throw new IllegalArgumentException("a " + gridHeight + "x" + gridWidth + " patch grid cannot be cut into "
                    + windowRows + "x" + windowCols + " windows; use a window grid no larger than the patch grid");
        }
        if (keep < 0 || keep > patches) {
            throw new IllegalArgumentException("local scan asked to keep " + keep + " of " + patches + " patches");
        }
        List<Integer[]> ranked = rankWindows(scores, gridHeight, gridWidth);
        int windows = ranked.size();
        int[] taken = new int[windows];
        int remaining = keep;
        for (int w = 0; w < windows; w++) {
            taken[w] = Math.min(keep / windows, ranked.get(w).length);
            remaining -= taken[w];
        }
        while (remaining > 0) {
            remaining -= handOutOneRound(ranked, taken, scores, remaining);
        }
        int[] kept = new int[keep];
        int k = 0;
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < taken[w]; i++) {
                kept[k++] = ranked.get(w)[i];
            }
        }
        Arrays.sort(kept);
        return kept;
    }

    /** Gives at most one more patch to each window, best next candidate first; returns how many were given. */
    private static int handOutOneRound(List<Integer[]> ranked, int[] taken, float[] scores, int remaining) {
        List<Integer> open = new ArrayList<>();
        for (int w = 0; w < ranked.size(); w++) {
            if (taken[w] < ranked.get(w).length) {
                open.add(w);
            }
        }
        open.sort((a, b) -> {
            int c = Float.compare(scores[ranked.get(b)[taken[b]]], scores[ranked.get(a)[taken[a]]]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int given = Math.min(remaining, open.size());
        for (int i = 0; i < given; i++) {
            taken[open.get(i)]++;
        }
        return given;
    }

    /** Each window's patches, best first, windows in raster order. */
    private List<Integer[]> rankWindows(float[] scores, int gridHeight, int gridWidth) {
        int rowStep = gridHeight / windowRows;
        int colStep = gridWidth / windowCols;
        List<Integer[]> ranked = new ArrayList<>();
        for (int wr = 0; wr < windowRows; wr++) {
            int rowEnd = wr == windowRows - 1 ? gridHeight : (wr + 1) * rowStep;
            for (int wc = 0; wc < windowCols; wc++) {
                int colEnd = wc == windowCols - 1 ? gridWidth : (wc + 1) * colStep;
                int[] members = new int[(rowEnd - wr * rowStep) * (colEnd - wc * colStep)];
                int m = 0;
                for (int y = wr * rowStep; y < rowEnd; y++) {
                    for (int x = wc * colStep; x < colEnd; x++) {
                        members[m++] = y * gridWidth + x;
                    }
                }
                ranked.add(PatchRanking.rank(members, scores));
            }
        }
        return ranked;
    }
}
