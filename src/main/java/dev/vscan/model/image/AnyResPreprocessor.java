package dev.vscan.model.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA-NeXT's AnyRes preprocessing, step for step like Hugging Face's slow {@code LlavaNextImageProcessor}:
 * pick the best grid resolution, resize the image into it keeping its aspect ratio (Pillow bicubic on
 * 8-bit samples), pad it with black to that resolution before any rescaling, cut it into tiles in
 * row-major order, resize the whole image to a {@code shortest_edge} square for the base crop, and give
 * every crop the CLIP processing (shortest-edge resize, centre crop, rescale, normalise).
 */
public final class AnyResPreprocessor implements ImagePreparer {

    private final ImagePreprocessor perCrop;
    private final ImageDecoder decoder;
    private final List<int[]> pinpoints;
    private final int tileSize;
    private final int baseSize;
    private final BicubicResizer resizer = new BicubicResizer();

    /**
     * @param spec      the per-crop processing; its crop height is the tile size and its shortest edge the
     *                  base crop's side, as the processor reads {@code crop_size.height} and {@code size.shortest_edge}
     * @param pinpoints {@code image_grid_pinpoints} as {height, width}
     */
    public AnyResPreprocessor(ImageProcessingSpec spec, List<int[]> pinpoints, ImageLimits limits) {
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("LLaVA-NeXT needs image_grid_pinpoints");
        }
        this.perCrop = new ImagePreprocessor(spec, limits);
        this.decoder = new ImageDecoder(limits);
        this.pinpoints = pinpoints.stream().map(int[]::clone).toList();
        this.tileSize = spec.cropHeight();
        this.baseSize = spec.shortestEdge();
    }

    @Override
    public ModelImage prepare(byte[] encoded) {
        return preprocess(encoded);
    }

    @Override
    public ModelImage prepare(BufferedImage image) {
        return preprocess(image);
    }

    /** Decodes under the limits, then preprocesses; refusals are {@link InvalidImageException}s. */
    public AnyResImage preprocess(byte[] encoded) {
        return preprocess(decoder.decodeAsStored(encoded));
    }

    public AnyResImage preprocess(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] rgb = RgbConversion.interleaved(image);
        AnyResLayout layout = AnyResLayout.of(height, width, pinpoints, tileSize);
        int[] resized = resize(rgb, width, height, layout.resizedWidth(), layout.resizedHeight());
        int[] padded = pad(resized, layout);
        List<PixelValues> crops = new ArrayList<>();
        crops.add(perCrop.fromRgb(resize(rgb, width, height, baseSize, baseSize), baseSize, baseSize));
        for (int r = 0; r < layout.gridRows(); r++) {
            for (int c = 0; c < layout.gridColumns(); c++) {
                crops.add(perCrop.fromRgb(tile(padded, layout.bestWidth(), r, c), tileSize, tileSize));
            }
        }
        return new AnyResImage(layout, crops);
    }

    private int[] resize(int[] rgb, int width, int height, int outWidth, int outHeight) {
        return outWidth == width && outHeight == height ? rgb : resizer.resize(rgb, width, height, 3, outWidth, outHeight);
    }

    /** Centres the resized image on a black canvas of the best resolution (padding in 8-bit values). */
    private static int[] pad(int[] resized, AnyResLayout layout) {
        int[] canvas = new int[layout.bestHeight() * layout.bestWidth() * 3];
        int rowLength = layout.resizedWidth() * 3;
        for (int y = 0; y < layout.resizedHeight(); y++) {
            int to = ((y + layout.padTop()) * layout.bestWidth() + layout.padLeft()) * 3;
            System.arraycopy(resized, y * rowLength, canvas, to, rowLength);
        }
        return canvas;
    }

    private int[] tile(int[] canvas, int canvasWidth, int row, int column) {
        int[] out = new int[tileSize * tileSize * 3];
        int rowLength = tileSize * 3;
        for (int y = 0; y < tileSize; y++) {
            int from = ((row * tileSize + y) * canvasWidth + column * tileSize) * 3;
            System.arraycopy(canvas, from, out, y * rowLength, rowLength);
        }
        return out;
    }
}
