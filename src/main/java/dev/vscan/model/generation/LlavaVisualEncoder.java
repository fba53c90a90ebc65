package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.clip.PixelBatch;
import dev.vscan.model.clip.VisionOutput;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.llama.RopePositions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** LLaVA-1.5's visual side: one crop per image, every image of a group through the tower at once. */
final class LlavaVisualEncoder implements VisualEncoder {

    private final LlavaModel model;
    private final PromptPositions positions;

    LlavaVisualEncoder(LlavaModel model) {
        this.model = model;
        this.positions = new PromptPositions(model.config().imageTokenIndex(), model.config().imageSeqLength());
    }

    @Override
    public RopePositions positions(GenerationRequest request, List<ReducedImage> images) {
        return RopePositions.of(positions.of(request.promptIds(), images, request.positions()));
    }

    @Override
    public void check(int index, GenerationRequest request) {
        LlavaConfig config = model.config();
        int size = config.vision().imageSize();
        for (int i = 0; i < request.images().size(); i++) {
            if (!(request.images().get(i) instanceof PixelValues p)) {
                throw new IllegalArgumentException("image " + i + " of request " + index + " is prepared for another"
                        + " model family (" + request.images().get(i).getClass().getSimpleName() + "); LLaVA-1.5 takes"
                        + " one crop per image");
            }
            if (p.channels() != config.vision().numChannels() || p.height() != size || p.width() != size) {
                throw new IllegalArgumentException("image " + i + " of request " + index + " is " + p.channels()
                        + "x" + p.height() + "x" + p.width() + " but the model expects "
                        + config.vision().numChannels() + "x" + size + "x" + size);
            }
        }
    }

    @Override
    public int tokensIn(ModelImage image) {
        return model.vision().config().numPatches();
    }

    @Override
    public int crops(ModelImage image) {
        return 1;
    }

    @Override
    public int newlines(ModelImage image) {
        return 0;
    }

    /** Vision tower over every image of the batch at once, then each request's reducer per image. */
    @Override
    public List<List<ReducedImage>> encode(NDManager batch, List<GenerationRequest> requests, long[] reductionNanos) {
        List<PixelValues> all = new ArrayList<>();
        Set<Integer> layers = new HashSet<>();
        for (GenerationRequest r : requests) {
            for (ModelImage image : r.images()) {
                all.add((PixelValues) image);
            }
            if (!r.images().isEmpty()) {
                layers.addAll(r.reducer().attentionLayers(model.vision().layersRun()));
            }
        }
        List<List<ReducedImage>> out = new ArrayList<>();
        if (all.isEmpty()) {
            requests.forEach(r -> out.add(List.of()));
            return out;
        }
        int grid = model.config().vision().gridSize();
        try (NDManager scope = batch.newSubManager()) {
            VisionOutput vision = model.vision().forward(PixelBatch.of(scope, all, model.options().dtype()), layers);
            int image = 0;
            for (GenerationRequest r : requests) {
                List<ReducedImage> reduced = new ArrayList<>();
                for (int i = 0; i < r.images().size(); i++, image++) {
                    Map<Integer, NDArray> attention = new HashMap<>();
                    for (Map.Entry<Integer, NDArray> e : vision.clsAttention().entrySet()) {
                        attention.put(e.getKey(), e.getValue().get(image));
                    }
                    long t0 = System.nanoTime();
                    ReducedImage result = r.reducer().reduce(
                            new ImageFeatures(vision.features().get(image), Map.copyOf(attention), grid, grid),
                            model.projector()::apply);
                    result.embeddings().attach(batch);
                    reductionNanos[0] += System.nanoTime() - t0;
                    reduced.add(result);
                }
                out.add(reduced);
            }
        }
        return out;
    }
}
