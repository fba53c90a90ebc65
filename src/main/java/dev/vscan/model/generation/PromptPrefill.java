package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.llama.PrefillResult;
import dev.vscan.model.llama.RopePositions;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompt side of generation for a group of requests: checks them, has the family's
 * {@link VisualEncoder} turn their images into visual tokens (stage 1 included), splices those into the
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

    private final DecoderSide model;
    private final VisualEncoder encoder;

    PromptPrefill(DecoderSide model, VisualEncoder encoder) {
        this.model = model;
        this.encoder = encoder;
    }

    /**
     * @param batch       owns the group's temporaries and results
     * @param cacheParent owns the sequence caches
     * @param reserve     per request, generated tokens its cache should have room for
     * @throws IllegalArgumentException naming the first request the model cannot run, before any compute
     */
    Group run(NDManager batch, List<GenerationRequest> requests, NDManager cacheParent, int[] reserve) {
        for (int r = 0; r < requests.size(); r++) {
            validate(r, requests.get(r));
        }
        long start = System.nanoTime();
        long[] reductionNanos = new long[1];
        List<List<ReducedImage>> images = encoder.encode(batch, requests, reductionNanos);
        long visionNanos = System.nanoTime() - start - reductionNanos[0];

        long prefillStart = System.nanoTime();
        List<NDArray> sequences = new ArrayList<>();
        List<boolean[]> visual = new ArrayList<>();
        List<RopePositions> positions = new ArrayList<>();
        List<SequencePruner> pruners = new ArrayList<>();
        int[] textTokens = new int[requests.size()];
        for (int r = 0; r < requests.size(); r++) {
            GenerationRequest request = requests.get(r);
            textTokens[r] = splice(batch, request.promptIds(), images.get(r), sequences, visual);
            positions.add(encoder.positions(request, images.get(r)));
            pruners.add(request.pruner());
        }
        PrefillResult result = model.language().prefill(sequences, positions, visual, pruners, cacheParent, reserve);
        return new Group(images, textTokens, result, result.logits(), visionNanos, reductionNanos[0],
                System.nanoTime() - prefillStart);
    }

    private void validate(int index, GenerationRequest request) {
        int placeholders = 0;
        for (long id : request.promptIds()) {
            if (id == model.imageToken()) {
                placeholders++;
            }
            if (id < 0 || id >= model.vocabSize()) {
                throw new IllegalArgumentException("request " + index + " has token id " + id
                        + " outside the vocabulary of " + model.vocabSize());
            }
        }
        if (placeholders != request.images().size()) {
            throw new IllegalArgumentException("request " + index + " has " + placeholders
                    + " image placeholders but " + request.images().size() + " images");
        }
        encoder.check(index, request);
    }

    /**
     * Embeds the prompt's text tokens and puts each image's tokens where its placeholder was.
     *
     * @return the number of text tokens
     */
    private int splice(NDManager batch, long[] ids, List<ReducedImage> images, List<NDArray> sequences,
            List<boolean[]> visual) {
        long imageToken = model.imageToken();
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
