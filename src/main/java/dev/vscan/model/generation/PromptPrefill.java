package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.clip.VisionOutput;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.llama.PrefillResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The prompt side of generation for a group of requests: checks them, runs the vision tower over all
 * their images at once, each request's stage-1 reducer per image, splices the visual tokens into the
 * embedded prompts and runs one batched prefill (with each request's stage-2 pruner). The sequence
 * caches it returns are made under a manager the caller chooses, so they can outlive the group.
 */
final class PromptPrefill {

    /**
     * A prefilled group. Its arrays belong to the manager given to {@link #run}, except the caches.
     *
     * @param images     per request, what stage 1 left of each image
     * @param textTokens per request, prompt tokens that are not visual
     * @param logits     [B, vocab] float32 logits at each request's last prompt position
     */
    record Group(List<List<ReducedImage>> images, int[] textTokens, PrefillResult result, NDArray logits,
            long visionNanos, long reductionNanos, long prefillNanos) {}

    private final LlavaModel model;
    private final PromptPositions promptPositions;

    PromptPrefill(LlavaModel model) {
        this.model = model;
        this.promptPositions = new PromptPositions(model.config().imageTokenIndex(), model.config().imageSeqLength());
    }

    /** Throws IllegalArgumentException naming the first request the model cannot run. */
    void validate(List<GenerationRequest> requests) {
        for (int r = 0; r < requests.size(); r++) {
            validate(r, requests.get(r));
        }
    }

    /**
     * @param batch       owns the group's temporaries and results
     * @param cacheParent owns the sequence caches
     * @param reserve     per request, generated tokens its cache should have room for
     */
    Group run(NDManager batch, List<GenerationRequest> requests, NDManager cacheParent, int[] reserve) {
        validate(requests);
        long start = System.nanoTime();
        long[] reductionNanos = new long[1];
        List<List<ReducedImage>> images = encodeImages(batch, requests, reductionNanos);
        long visionNanos = System.nanoTime() - start - reductionNanos[0];

        long prefillStart = System.nanoTime();
        List<NDArray> sequences = new ArrayList<>();
        List<boolean[]> visual = new ArrayList<>();
        List<long[]> positions = new ArrayList<>();
        List<SequencePruner> pruners = new ArrayList<>();
        int[] textTokens = new int[requests.size()];
        for (int r = 0; r < requests.size(); r++) {
            GenerationRequest request = requests.get(r);
            textTokens[r] = splice(batch, request.promptIds(), images.get(r), sequences, visual);
            positions.add(promptPositions.of(request.promptIds(), images.get(r), request.positions()));
            pruners.add(request.pruner());
        }
        PrefillResult result = model.language().prefill(sequences, positions, visual, pruners, cacheParent, reserve);
        return new Group(images, textTokens, result, result.logits(), visionNanos, reductionNanos[0],
                System.nanoTime() - prefillStart);
    }

    private void validate(int index, GenerationRequest request) {
        LlavaConfig config = model.config();
        int placeholders = 0;
        for (long id : request.promptIds()) {
            if (id == config.imageTokenIndex()) {
                placeholders++;
            }
            if (id < 0 || id >= config.text().vocabSize()) {
                throw new IllegalArgumentException("request " + index + " has token id " + id
                        + " outside the vocabulary of " + config.text().vocabSize());
            }
        }
        if (placeholders != request.images().size()) {
            throw new IllegalArgumentException("request " + index + " has " + placeholders
                    + " image placeholders but " + request.images().size() + " images");
        }
        int size = config.vision().imageSize();
        for (int i = 0; i < request.images().size(); i++) {
            PixelValues p = request.images().get(i);
            if (p.channels() != config.vision().numChannels() || p.height() != size || p.width() != size) {
                throw new IllegalArgumentException("image " + i + " of request " + index + " is " + p.channels()
                        + "x" + p.height() + "x" + p.width() + " but the model expects "
                        + config.vision().numChannels() + "x" + size + "x" + size);
            }
        }
    }

    /** Vision tower over every image of the batch at once, then each request's reducer per image. */
    private List<List<ReducedImage>> encodeImages(NDManager batch, List<GenerationRequest> requests, long[] reductionNanos) {
        List<PixelValues> all = new ArrayList<>();
        Set<Integer> layers = new HashSet<>();
        for (GenerationRequest r : requests) {
            all.addAll(r.images());
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
            VisionOutput vision = model.vision().forward(pixels(scope, all), layers);
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

    private NDArray pixels(NDManager manager, List<PixelValues> images) {
        PixelValues first = images.get(0);
        int size = first.data().length;
        float[] data = new float[size * images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, data, i * size, size);
        }
        NDArray array = manager.create(data, new Shape(images.size(), first.channels(), first.height(), first.width()));
        DataType dtype = model.options().dtype();
        return dtype == DataType.FLOAT32 ? array : array.toType(dtype, false);
    }

    /**
     * Embeds the prompt's text tokens and puts each image's tokens where its placeholder was.
     *
     * @return the number of text tokens
     */
    private int splice(NDManager batch, long[] ids, List<ReducedImage> images, List<NDArray> sequences,
            List<boolean[]> visual) {
        long imageToken = model.config().imageTokenIndex();
        NDArray text = model.language().embed(batch.create(ids));
        NDList parts = new NDList();
        List<Boolean> flags = new ArrayList<>();
        int segmentStart = 0;
        int image = 0;
        for (int t = 0; t <= ids.length; t++) {
            boolean boundary = t == ids.length || ids[t] == imageToken;
            if (!boundary) {
                continue;
            }
            if (t > segmentStart) {
                parts.add(text.get(new NDIndex("{}:{}", segmentStart, t)));
                for (int i = segmentStart; i < t; i++) {
                    flags.add(false);
                }
            }
            if (t < ids.length) {
                ReducedImage img = images.get(image++);
                parts.add(img.embeddings().toType(text.getDataType(), false));
                for (int i = 0; i < img.tokens(); i++) {
                    flags.add(true);
                }
            }
            segmentStart = t + 1;
        }
        sequences.add(NDArrays.concat(parts, 0));
        boolean[] f = new boolean[flags.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = flags.get(i);
        }
        visual.add(f);
        return ids.length - images.size();
    }
}
