package dev.vscan.model.generation;

import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualPositions;
import java.util.List;

/**
 * The rotary position of every token of a spliced prompt (text tokens, with each image placeholder
 * replaced by that image's kept tokens).
 *
 * <p>{@link VisualPositions#REFERENCE}: 0..L-1 over the tokens present, so kept visual tokens sit side
 * by side. {@link VisualPositions#ORIGINAL}: an image spans the positions of all its feature rows,
 * each kept token sits at its own row's, and the text after the image continues past the image's
 * last row, exactly where it would with no token dropped.
 */
final class PromptPositions {

    private final long imageToken;
    private final int rowsPerImage;

    /**
     * @param imageToken   the placeholder id that stands for one image in the prompt
     * @param rowsPerImage feature rows (positions) one unreduced image takes
     */
    PromptPositions(long imageToken, int rowsPerImage) {
        this.imageToken = imageToken;
        this.rowsPerImage = rowsPerImage;
    }

    long[] of(long[] ids, List<ReducedImage> images, VisualPositions scheme) {
        int length = ids.length - images.size();
        for (ReducedImage image : images) {
            length += image.tokens();
        }
        long[] out = new long[length];
        int n = 0;
        long next = 0;
        int image = 0;
        for (long id : ids) {
            if (id != imageToken) {
                out[n++] = next++;
                continue;
            }
            int[] rows = images.get(image++).keptPatchIndices();
            for (int row : rows) {
                out[n++] = scheme == VisualPositions.ORIGINAL ? next + row : next++;
            }
            if (scheme == VisualPositions.ORIGINAL) {
                next += rowsPerImage;
            }
        }
        return out;
    }
}
