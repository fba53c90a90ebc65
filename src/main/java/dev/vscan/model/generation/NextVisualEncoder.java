package dev.vscan.model.generation;

import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaNextModel;
import dev.vscan.model.clip.PixelBatch;
import dev.vscan.model.clip.VisionOutput;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.next.PackedImage;
import dev.vscan.model.llama.RopePositions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LLaVA-NeXT's visual side: the crops (base and tiles) of every image of a group through the tower at once, the request's
 * stage-1 reducer per crop, and the packing with unpad and newlines. A kept token's index is its place
 * in the image's full packing, so requests of any image sizes batch together, ragged.
 */
final class NextVisualEncoder implements VisualEncoder {

    private final LlavaNextModel model;
    private final PromptPositions positions;

    NextVisualEncoder(LlavaNextModel model) {
        this.model = model;
        this.positions = new PromptPositions(model.config().base().imageTokenIndex(), model.config().base().imageSeqLength());
    }

    @Override
    public RopePositions positions(GenerationRequest request, List<ReducedImage> images) {
        return RopePositions.of(positions.of(request.promptIds(), images, request.positions()));
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
        List<PixelValues> crops = new ArrayList<>();
        Set<Integer> layers = new HashSet<>();
        int towerLayers = model.llava().vision().layersRun();
        for (GenerationRequest r : requests) {
            for (ModelImage m : r.images()) {
                crops.addAll(((AnyResImage) m).crops());
            }
            if (!r.images().isEmpty()) {
                layers.addAll(r.reducer().attentionLayers(towerLayers));
            }
        }
        List<List<ReducedImage>> out = new ArrayList<>();
        if (crops.isEmpty()) {
            requests.forEach(r -> out.add(List.of()));
            return out;
        }
        // every crop of every image of the group through the tower at once; stage 1 then per image
        try (NDManager scope = batch.newSubManager()) {
            VisionOutput vision = model.llava().vision().forward(
                    PixelBatch.of(scope, crops, model.llava().options().dtype()), layers);
            int first = 0;
            for (GenerationRequest r : requests) {
                List<ReducedImage> images = new ArrayList<>();
                for (ModelImage m : r.images()) {
                    AnyResImage image = (AnyResImage) m;
                    PackedImage packed = model.reduceEncoded(scope, image, vision, first, r.reducer(), reductionNanos);
                    packed.embeddings().attach(batch);
                    images.add(new ReducedImage(packed.embeddings(), packed.packedIndices()));
                    first += image.crops().size();
                }
                out.add(images);
            }
        }
        return out;
    }

    @Override
    public int tokensIn(ModelImage image) {
        return ((AnyResImage) image).imageTokens(model.patchesPerSide());
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
