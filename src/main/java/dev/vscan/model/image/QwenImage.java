package dev.vscan.model.image;

/**
 * One image prepared for Qwen2.5-VL: its patches as the rows of {@code pixel_values}, ordered by 2x2
 * merge block (raster over the blocks) and inside a block row-major, each row holding channels x frames
 * x patch x patch values.
 *
 * @param gridT       temporal patches (1 for an image: its two identical frames make one)
 * @param gridH       patch rows
 * @param gridW       patch columns
 * @param mergeSize   patches per side of one merged (LLM) token
 * @param rowLength   values per patch row, {@code C * T * P * P}
 * @param pixelValues {@code [gridT * gridH * gridW, rowLength]} row-major
 */
public record QwenImage(int gridT, int gridH, int gridW, int mergeSize, int rowLength, float[] pixelValues)
        implements ModelImage {

    public QwenImage {
        if (gridT <= 0 || gridH <= 0 || gridW <= 0 || mergeSize <= 0 || rowLength <= 0) {
            throw new IllegalArgumentException("a Qwen image needs a positive grid, merge size and row length, got "
                    + gridT + "x" + gridH + "x" + gridW + ", merge " + mergeSize + ", row " + rowLength);
        }
        if (gridH % mergeSize != 0 || gridW % mergeSize != 0) {
            throw new IllegalArgumentException("patch grid " + gridH + "x" + gridW + " is not a multiple of the merge"
                    + " size " + mergeSize);
        }
        if (pixelValues == null || pixelValues.length != (long) gridT * gridH * gridW * rowLength) {
            throw new IllegalArgumentException("pixel values of a " + gridT + "x" + gridH + "x" + gridW + " grid need "
                    + (long) gridT * gridH * gridW * rowLength + " floats, got "
                    + (pixelValues == null ? "null" : pixelValues.length));
        }
    }

    /** Rows of pixel_values: one per patch. */
    public int patches() {
        return gridT * gridH * gridW;
    }

    /** Merged-token rows of the LLM grid. */
    public int mergedHeight() {
        return gridH / mergeSize;
    }

    public int mergedWidth() {
        return gridW / mergeSize;
    }

    /** {@code <|image_pad|>} tokens the image takes in the prompt: one per merged token. */
    public int tokens() {
        return gridT * mergedHeight() * mergedWidth();
    }

    /** {@code image_grid_thw}. */
    public int[] gridThw() {
        return new int[] {gridT, gridH, gridW};
    }
}
