package dev.vscan.model.image;

import java.util.List;

/**
 * One image prepared for LLaVA-NeXT: the base crop (the whole image resized to a square) first, then
 * the tiles of the padded best-resolution image in row-major order, each preprocessed like a CLIP input.
 */
public record AnyResImage(AnyResLayout layout, List<PixelValues> crops) implements ModelImage {

    public AnyResImage {
        crops = List.copyOf(crops);
        if (crops.size() != layout.crops()) {
            throw new IllegalArgumentException(crops.size() + " crops for a layout of " + layout.crops());
        }
    }

    public PixelValues base() {
        return crops.get(0);
    }

    /** Tile {@code row}, {@code column} of the grid. */
    public PixelValues tile(int row, int column) {
        return crops.get(1 + row * layout.gridColumns() + column);
    }

    /** Tokens of the packed features for a tower of {@code patchesPerSide} patches per crop side, before reduction. */
    public int imageTokens(int patchesPerSide) {
        return layout.imageTokens(patchesPerSide, patchesPerSide * patchesPerSide);
    }

    /** Each image's packed token count, in order. */
    public static int[] imageTokens(List<? extends ModelImage> images, int patchesPerSide) {
        int[] tokens = new int[images.size()];
        for (int i = 0; i < tokens.length; i++) {
            if (!(images.get(i) instanceof AnyResImage tiles)) {
                throw new IllegalArgumentException("image " + i + " was not prepared as AnyRes crops");
            }
            tokens[i] = tiles.imageTokens(patchesPerSide);
        }
        return tokens;
    }
}
