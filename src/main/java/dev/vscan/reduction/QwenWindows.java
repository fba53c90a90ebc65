package dev.vscan.reduction;

/**
 * The local-scan windows of VScan's Qwen2.5-VL code over one image's merged-token grid.
 *
 * <p>Windows are {@code side x side} merged tokens: {@code floor(h/side)} window rows and
 * {@code floor(w/side)} window columns, the rows (columns) left over folded into the last window row
 * (column), so edge windows can be larger than the rest. A side shorter than one window gets a single
 * window spanning it; the reference has no window there and fails, so this is the project's choice.
 *
 * @param gridHeight merged-token rows of the image
 * @param gridWidth  merged-token columns of the image
 * @param side       window side in merged tokens (4 in the reference)
 */
public record QwenWindows(int gridHeight, int gridWidth, int side) {

    /** The reference's window side: 4x4 merged tokens. */
    public static final int REFERENCE_SIDE = 4;

    public QwenWindows {
        if (gridHeight < 1 || gridWidth < 1) {
            throw new IllegalArgumentException("a merged-token grid needs at least one row and column, got "
                    + gridHeight + "x" + gridWidth);
        }
        if (side < 1) {
            throw new IllegalArgumentException("the window side must be at least 1 merged token, got " + side);
        }
    }

    /** The reference's 4x4 windows over a grid. */
    public static QwenWindows of(int gridHeight, int gridWidth) {
        return new QwenWindows(gridHeight, gridWidth, REFERENCE_SIDE);
    }

    public int tokens() {
        return gridHeight * gridWidth;
    }

    public int windowRows() {
        return Math.max(1, gridHeight / side);
    }

    public int windowCols() {
        return Math.max(1, gridWidth / side);
    }

    public int count() {
        return windowRows() * windowCols();
    }

    /** The window (row-major over the window grid) that holds the merged token at raster index {@code token}. */
    public int windowOf(int token) {
        if (token < 0 || token >= tokens()) {
            throw new IllegalArgumentException("token " + token + " is outside the " + gridHeight + "x" + gridWidth
                    + " grid");
        }
        int row = Math.min(token / gridWidth / side, windowRows() - 1);
        int col = Math.min(token % gridWidth / side, windowCols() - 1);
        return row * windowCols() + col;
    }

    /** The tokens of one window, ascending (row-major inside the window). */
    public int[] members(int window) {
        if (window < 0 || window >= count()) {
            throw new IllegalArgumentException("window " + window + " is outside 0.." + (count() - 1));
        }
        int wr = window / windowCols();
        int wc = window % windowCols();
        int rowEnd = wr == windowRows() - 1 ? gridHeight : (wr + 1) * side;
        int colEnd = wc == windowCols() - 1 ? gridWidth : (wc + 1) * side;
        int[] members = new int[(rowEnd - wr * side) * (colEnd - wc * side)];
        int m = 0;
        for (int y = wr * side; y < rowEnd; y++) {
            for (int x = wc * side; x < colEnd; x++) {
                members[m++] = y * gridWidth + x;
            }
        }
        return members;
    }

    /** Most local picks one window may hold: {@code ceil(nLocal / windows)}. */
    public int cap(int nLocal) {
        if (nLocal < 0) {
            throw new IllegalArgumentException("local picks " + nLocal + " must be 0 or more");
        }
        return (nLocal + count() - 1) / count();
    }
}
