package dev.vscan.model.image;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The AnyRes geometry of one image for LLaVA-NeXT, as Hugging Face's {@code LlavaNextImageProcessor}
 * and {@code LlavaNextProcessor} compute it, in the same order and the same double arithmetic: the
 * best grid resolution among the pinpoints, the aspect-keeping size inside it, the black padding that
 * centres it, the tiles, and how many image tokens the packed features will have.
 *
 * @param imageHeight   height of the decoded image
 * @param imageWidth    width of the decoded image
 * @param bestHeight    the chosen pinpoint's height (a multiple of the tile size)
 * @param bestWidth     the chosen pinpoint's width
 * @param tileSize      the side of a tile (the processor's {@code crop_size.height})
 * @param resizedHeight height of the aspect-keeping resize into the best resolution
 * @param resizedWidth  width of that resize
 */
public record AnyResLayout(int imageHeight, int imageWidth, int bestHeight, int bestWidth, int tileSize,
        int resizedHeight, int resizedWidth) {

    public AnyResLayout {
        if (bestHeight % tileSize != 0 || bestWidth % tileSize != 0) {
            throw new IllegalArgumentException("grid pinpoint " + bestHeight + "x" + bestWidth
                    + " is not a multiple of the tile size " + tileSize);
        }
    }

    /**
     * Plans an image of {@code height} x {@code width}.
     *
     * @param pinpoints candidate resolutions as {height, width}, as {@code image_grid_pinpoints} lists them
     */
    public static AnyResLayout of(int height, int width, List<int[]> pinpoints, int tileSize) {
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("image_grid_pinpoints is empty");
        }
        int[] best = bestResolution(height, width, pinpoints);
        double scaleW = (double) best[1] / width;
        double scaleH = (double) best[0] / height;
        int newH;
        int newW;
        if (scaleW < scaleH) {
            newW = best[1];
            newH = (int) Math.min(Math.ceil(height * scaleW), best[0]);
        } else {
            newH = best[0];
            newW = (int) Math.min(Math.ceil(width * scaleH), best[1]);
        }
        return new AnyResLayout(height, width, best[0], best[1], tileSize, newH, newW);
    }

    /**
     * select_best_resolution: the largest effective resolution (the downscaled image's pixels, at most the
     * original's), ties broken by the least wasted area; the first candidate wins a full tie.
     *
     * @return {height, width}
     */
    static int[] bestResolution(int height, int width, List<int[]> pinpoints) {
        int[] best = null;
        long maxEffective = 0;
        long minWasted = Long.MAX_VALUE;
        for (int[] p : pinpoints) {
            double scale = Math.min((double) p[1] / width, (double) p[0] / height);
            long downW = (long) (width * scale);
            long downH = (long) (height * scale);
            long effective = Math.min(downW * downH, (long) width * height);
            long wasted = (long) p[0] * p[1] - effective;
            if (effective > maxEffective || (effective == maxEffective && wasted < minWasted)) {
                best = p;
                maxEffective = effective;
                minWasted = wasted;
            }
        }
        return best == null ? pinpoints.get(0) : best;
    }

    public int gridRows() {
        return bestHeight / tileSize;
    }

    public int gridColumns() {
        return bestWidth / tileSize;
    }

    /** The base image and every tile. */
    public int crops() {
        return 1 + gridRows() * gridColumns();
    }

    public int padTop() {
        return (bestHeight - resizedHeight) / 2;
    }

    public int padBottom() {
        return bestHeight - resizedHeight - padTop();
    }

    public int padLeft() {
        return (bestWidth - resizedWidth) / 2;
    }

    public int padRight() {
        return bestWidth - resizedWidth - padLeft();
    }

    /**
     * unpad_image on the tiles' feature grid of {@code patchesPerSide} patches per tile side: the rows (or
     * columns) of padding that the aspect ratio implies are cut, symmetrically.
     *
     * @return {first row, rows kept, first column, columns kept} in the full feature grid
     */
    public int[] unpaddedGrid(int patchesPerSide) {
        int rows = gridRows() * patchesPerSide;
        int columns = gridColumns() * patchesPerSide;
        double originalAspect = (double) imageWidth / imageHeight;
        double currentAspect = (double) columns / rows;
        if (originalAspect > currentAspect) {
            int newHeight = roundedThenTruncated(imageHeight * ((double) columns / imageWidth));
            int padding = (rows - newHeight) / 2;
            return new int[] {padding, rows - 2 * padding, 0, columns};
        }
        int newWidth = roundedThenTruncated(imageWidth * ((double) rows / imageHeight));
        int padding = (columns - newWidth) / 2;
        return new int[] {0, rows, padding, columns - 2 * padding};
    }

    /**
     * Image tokens of the packed features: the base crop's {@code baseTokens}, the unpadded tile grid and
     * one newline per kept row; what {@code LlavaNextProcessor._get_number_of_features} counts.
     */
    public int imageTokens(int patchesPerSide, int baseTokens) {
        int[] grid = unpaddedGrid(patchesPerSide);
        return baseTokens + grid[1] * grid[3] + grid[1];
    }

    /** Python's {@code int(round(x, 7))}: half-even on the exact binary value, then truncation. */
    private static int roundedThenTruncated(double x) {
        return new BigDecimal(x).setScale(7, RoundingMode.HALF_EVEN).intValue();
    }
}
