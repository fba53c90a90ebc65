package dev.vscan.model.qwen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The order in which Qwen2.5-VL's vision tower holds the patches of a batch of images, and which rows
 * attend to each other. Windows are {@code side x side} merged tokens, enumerated row-major per frame
 * over a grid padded up to one more window than fits (an empty last row or column of windows adds
 * nothing); inside a window the merged tokens are row-major, each with its {@code m x m} patches in
 * order. Images follow each other, so every window and every frame is one contiguous run of rows.
 *
 * <p>Merged tokens are numbered globally: image i's raster index plus the tokens of the images before it.
 */
public final class WindowLayout {

    private final int mergeSize;
    private final int[] windowIndex;
    private final int[] windowBounds;
    private final int[] frameBounds;
    private final int[] imageTokenOffsets;
    private final int[] mergedRow;
    private final int[] mergedCol;

    private WindowLayout(int mergeSize, int[] windowIndex, int[] windowBounds, int[] frameBounds,
            int[] imageTokenOffsets, int[] mergedRow, int[] mergedCol) {
        this.mergeSize = mergeSize;
        this.windowIndex = windowIndex;
        this.windowBounds = windowBounds;
        this.frameBounds = frameBounds;
        this.imageTokenOffsets = imageTokenOffsets;
        this.mergedRow = mergedRow;
        this.mergedCol = mergedCol;
    }

    /**
     * @param gridsThw   each image's {@code image_grid_thw}, in patches
     * @param mergeSize  patches per side of a merged token
     * @param windowSide window side in merged tokens ({@code window_size / merge / patch})
     */
    public static WindowLayout of(List<int[]> gridsThw, int mergeSize, int windowSide) {
        int tokens = 0;
        for (int[] g : gridsThw) {
            tokens += g[0] * (g[1] / mergeSize) * (g[2] / mergeSize);
        }
        int unit = mergeSize * mergeSize;
        int[] windowIndex = new int[tokens];
        int[] mergedRow = new int[tokens];
        int[] mergedCol = new int[tokens];
        int[] offsets = new int[gridsThw.size() + 1];
        List<Integer> windows = new ArrayList<>(List.of(0));
        List<Integer> frames = new ArrayList<>(List.of(0));
        int slot = 0;
        for (int i = 0; i < gridsThw.size(); i++) {
            int[] g = gridsThw.get(i);
            int rows = g[1] / mergeSize;
            int cols = g[2] / mergeSize;
            int offset = offsets[i];
            // Like transformers' pad of (side - n % side): a side that divides evenly still gets one more window.
            int windowRows = (rows + windowSide - rows % windowSide) / windowSide;
            int windowCols = (cols + windowSide - cols % windowSide) / windowSide;
            for (int t = 0; t < g[0]; t++) {
                int frame = offset + t * rows * cols;
                for (int wr = 0; wr < windowRows; wr++) {
                    for (int wc = 0; wc < windowCols; wc++) {
                        int before = slot;
                        for (int r = wr * windowSide; r < Math.min((wr + 1) * windowSide, rows); r++) {
                            for (int c = wc * windowSide; c < Math.min((wc + 1) * windowSide, cols); c++) {
                                windowIndex[slot++] = frame + r * cols + c;
                            }
                        }
                        if (slot > before) {
                            windows.add(slot * unit);
                        }
                    }
                }
                frames.add((frame + rows * cols) * unit);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        mergedRow[frame + r * cols + c] = r;
                        mergedCol[frame + r * cols + c] = c;
                    }
                }
            }
            offsets[i + 1] = offset + g[0] * rows * cols;
        }
        return new WindowLayout(mergeSize, windowIndex, toArray(windows), toArray(frames), offsets, mergedRow,
                mergedCol);
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** transformers' {@code window_index}: the global merged token held at each window-order position. */
    public int[] windowIndex() {
        return windowIndex.clone();
    }

    /** {@code cu_window_seqlens} without the repeats of empty windows: window boundaries in patch rows. */
    public int[] windowBounds() {
        return windowBounds.clone();
    }

    /** {@code cu_seqlens}: frame boundaries in patch rows, what the full-attention blocks attend within. */
    public int[] frameBounds() {
        return frameBounds.clone();
    }

    /** Boundaries the given kind of block attends within. */
    int[] bounds(boolean fullAttention) {
        return fullAttention ? frameBounds : windowBounds;
    }

    public int images() {
        return imageTokenOffsets.length - 1;
    }

    /** Merged tokens of all images. */
    public int tokens() {
        return windowIndex.length;
    }

    /** Patch rows of all images. */
    public int patches() {
        return windowIndex.length * mergeSize * mergeSize;
    }

    /** Global index of image i's first merged token; image i's tokens end where image i + 1's begin. */
    public int tokenOffset(int image) {
        return imageTokenOffsets[image];
    }

    /** For each window-order patch row, the pixel_values row it comes from (patch rows are merge-grouped). */
    public long[] patchOrder() {
        int unit = mergeSize * mergeSize;
        long[] order = new long[patches()];
        for (int p = 0; p < order.length; p++) {
            order[p] = (long) windowIndex[p / unit] * unit + p % unit;
        }
        return order;
    }

    /** For each global merged token, its window-order position: the reverse of {@link #windowIndex()}. */
    public long[] reverse() {
        long[] reverse = new long[windowIndex.length];
        for (int j = 0; j < windowIndex.length; j++) {
            reverse[windowIndex[j]] = j;
        }
        return reverse;
    }

    /** Patch row in its image's grid of the window-order patch row {@code p}. */
    int patchRow(int p) {
        int unit = mergeSize * mergeSize;
        return mergedRow[windowIndex[p / unit]] * mergeSize + (p % unit) / mergeSize;
    }

    /** Patch column in its image's grid of the window-order patch row {@code p}. */
    int patchCol(int p) {
        int unit = mergeSize * mergeSize;
        return mergedCol[windowIndex[p / unit]] * mergeSize + p % mergeSize;
    }

    @Override
    public String toString() {
        return "WindowLayout[images=" + images() + ", tokens=" + tokens() + ", windows=" + (windowBounds.length - 1)
                + ", frames=" + Arrays.toString(frameBounds) + "]";
    }
}
