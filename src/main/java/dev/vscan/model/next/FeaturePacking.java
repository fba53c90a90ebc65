package dev.vscan.model.next;

import dev.vscan.model.image.AnyResLayout;
import java.util.Arrays;

/**
 * Where each visual token of a LLaVA-NeXT image comes from, as {@code pack_image_features} lays them
 * out: the base crop's patches in raster order, then the tiles' patches as one grid (tile (r, c),
 * patch (y, x) at grid row r·p + y, column c·p + x), cut to the rows or columns that {@code unpad_image}
 * keeps, read row by row with a newline token after every row.
 *
 * @param crops  per token, the crop (0 = base, 1.. = tiles in row-major order), or -1 for a newline
 * @param patches per token, the patch's raster index in its crop, or the kept row a newline ends
 */
public record FeaturePacking(int[] crops, int[] patches) {

    /** Marks a newline token in {@link #crops}. */
    public static final int NEWLINE = -1;

    /**
     * @param patchesPerSide patches along one side of a crop (crop size / patch size)
     */
    public static FeaturePacking of(AnyResLayout layout, int patchesPerSide) {
        int p = patchesPerSide;
        int[] grid = layout.unpaddedGrid(p);
        int firstRow = grid[0];
        int rows = grid[1];
        int firstColumn = grid[2];
        int columns = grid[3];
        int total = p * p + rows * (columns + 1);
        int[] crops = new int[total];
        int[] patches = new int[total];
        int n = 0;
        for (int i = 0; i < p * p; i++, n++) {
            crops[n] = 0;
            patches[n] = i;
        }
        for (int row = 0; row < rows; row++) {
            int gy = firstRow + row;
            for (int column = 0; column < columns; column++, n++) {
                int gx = firstColumn + column;
                crops[n] = 1 + (gy / p) * layout.gridColumns() + gx / p;
                patches[n] = (gy % p) * p + gx % p;
            }
            crops[n] = NEWLINE;
            patches[n++] = row;
        }
        return new FeaturePacking(crops, patches);
    }

    public int tokens() {
        return crops.length;
    }

    /**
     * The tokens that survive a per-crop stage 1, as ascending indices into this packing: a crop's patch
     * stays when {@code kept[crop]} lists it (ascending), newlines always stay. Tokens in rows or columns
     * that unpad removed are gone already, whatever stage 1 chose for them.
     */
    public int[] survivors(int[][] kept) {
        int[] out = new int[crops.length];
        int n = 0;
        for (int t = 0; t < crops.length; t++) {
            if (crops[t] == NEWLINE || Arrays.binarySearch(kept[crops[t]], patches[t]) >= 0) {
                out[n++] = t;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The packing of just these tokens (indices into this one), in the given order. */
    public FeaturePacking select(int[] tokens) {
        int[] outCrops = new int[tokens.length];
        int[] outPatches = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            outCrops[i] = crops[tokens[i]];
            outPatches[i] = patches[tokens[i]];
        }
        return new FeaturePacking(outCrops, outPatches);
    }

    /** Newline tokens: one per kept row. */
    public int newlines() {
        int n = 0;
        for (int c : crops) {
            if (c == NEWLINE) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int[] crops() {
        return crops.clone();
    }

    @Override
    public int[] patches() {
        return patches.clone();
    }
}
