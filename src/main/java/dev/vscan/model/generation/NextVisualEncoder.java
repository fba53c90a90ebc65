package dev.vscan.model.generation;

import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaNextModel;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.next.PackedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA-NeXT's visual side: each image's crops (base and tiles) through the tower, the request's
 * stage-1 reducer per crop, and the packing with unpad and newlines. A kept token's index is its place
 * in the image's full packing, so requests of any image sizes batch together, ragged.
 */
final class NextVisualEncoder implements VisualEncoder {

    private final LlavaNextModel model;

    NextVisualEncoder(LlavaNextModel model) {
        this.model = model;
    }

    @Override
    public void check(int index, GenerationRequest request) {
        if (!request.images().isEmpty() && request.positions() == VisualPositions.ORIGINAL) {
            throw new IllegalArgumentException("request " + index + ": positions 'original' is not supported on"
                    + " LLaVA-NeXT yet; use 'reference'");
        }
        VisionConfig vision = model.config().base().vision();
        int size = vision.imageSize();
        for (int i = 0; i < request.images().size(); i++) {
            if (!(request.images().get(i) instanceof AnyResImage image)) {
                throw new IllegalArgumentException("image " + i + " of request " + index + " is a single crop;"
                        + " LLaVA-NeXT takes the AnyRes crops (AnyResPreprocessor)");
            }
            for (PixelValues crop : image.crops()) {
                if (crop.channels() != vision.numChannels() || crop.height() != size || crop.width() != size) {
                    throw new IllegalArgumentException("a crop of image " + i + " of request " + index + " is "
                            + crop.channels() + "x" + crop.height() + "x" + crop.width() + " but the vision tower takes "
                            + vision.numChannels() + "x" + size + "x" + size);
                }
            }
        }
    }

    @Override
    public List<List<ReducedImage>> encode(NDManager batch, List<GenerationRequest> requests, long[] reductionNanos) {
        List<List<ReducedImage>> out = new ArrayList<>();
        for (GenerationRequest r : requests) {
            List<ReducedImage> images = new ArrayList<>();
            for (ModelImage m : r.images()) {
                try (NDManager scope = batch.newSubManager()) {
                    PackedImage packed = model.reduce(scope, (AnyResImage) m, r.reducer());
                    packed.embeddings().attach(batch);
                    images.add(new ReducedImage(packed.embeddings(), packed.packedIndices()));
                }
            }
            out.add(images);
        }
        return out;
    }

    @Override
    public int tokensIn(ModelImage image) {
        int side = model.patchesPerSide();
        return ((AnyResImage) image).layout().imageTokens(side, side * side);
    }

    @Override
    public int crops(ModelImage image) {
        return ((AnyResImage) image).layout().crops();
    }

    @Override
    public int newlines(ModelImage image) {
        return ((AnyResImage) image).layout().unpaddedGrid(model.patchesPerSide())[1];
    }
}
