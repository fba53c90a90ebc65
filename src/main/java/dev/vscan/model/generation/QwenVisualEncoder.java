package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.ScoredImageFeatures;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.llama.RopePositions;
import dev.vscan.model.qwen.MRopePositions;
import dev.vscan.model.qwen.QwenImageFeatures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Qwen2.5-VL's visual side: every image of a group through the window-attention tower at once (each
 * attends only within itself), the request's scored stage-1 reducer per image, and M-RoPE positions on
 * which kept tokens keep their ids.
 */
final class QwenVisualEncoder implements VisualEncoder {

    private final QwenVlModel model;
    private final int[] fullAttentionBlocks;

    QwenVisualEncoder(QwenVlModel model) {
        this.model = model;
        this.fullAttentionBlocks = model.visionConfig().fullAttentionBlockArray();
    }

    @Override
    public void check(int index, GenerationRequest request) {
        if (request.reducer() != VisualTokenReducer.NONE) {
            throw new IllegalArgumentException("request " + index + " has a [CLS]-based stage-1 method; Qwen2.5-VL's"
                    + " tower has no [CLS] and takes a scored reducer");
        }
        for (int i = 0; i < request.images().size(); i++) {
            if (!(request.images().get(i) instanceof QwenImage)) {
                throw new IllegalArgumentException("image " + i + " of request " + index + " is prepared for another"
                        + " model family (" + request.images().get(i).getClass().getSimpleName() + "); Qwen2.5-VL"
                        + " takes QwenImage patches");
            }
        }
    }

    @Override
    public List<List<ReducedImage>> encode(NDManager batch, List<GenerationRequest> requests, long[] reductionNanos) {
        List<QwenImage> all = new ArrayList<>();
        Set<Integer> blocks = new HashSet<>();
        int depth = model.visionConfig().depth();
        for (GenerationRequest r : requests) {
            for (ModelImage image : r.images()) {
                all.add((QwenImage) image);
            }
            if (!r.images().isEmpty()) {
                blocks.addAll(r.scoredReducer().scoredBlocks(depth, fullAttentionBlocks));
            }
        }
        List<List<ReducedImage>> out = new ArrayList<>();
        if (all.isEmpty()) {
            requests.forEach(r -> out.add(List.of()));
            return out;
        }
        try (NDManager scope = batch.newSubManager()) {
            List<QwenImageFeatures> features = model.vision().forward(scope, all, blocks);
            int image = 0;
            for (GenerationRequest r : requests) {
                List<ReducedImage> reduced = new ArrayList<>();
                for (int i = 0; i < r.images().size(); i++, image++) {
                    long t0 = System.nanoTime();
                    QwenImageFeatures f = features.get(image);
                    Map<Integer, NDArray> scores = new HashMap<>();
                    for (int block : r.scoredReducer().scoredBlocks(depth, fullAttentionBlocks)) {
                        scores.put(block, scope.create(f.scores(block)));
                    }
                    ReducedImage result = r.scoredReducer().reduce(new ScoredImageFeatures(f.features(), scores,
                            f.mergedHeight(), f.mergedWidth()));
                    result.embeddings().attach(batch);
                    reductionNanos[0] += System.nanoTime() - t0;
                    reduced.add(result);
                }
                out.add(reduced);
            }
        }
        return out;
    }

    @Override
    public RopePositions positions(GenerationRequest request, List<ReducedImage> images) {
        List<int[]> grids = new ArrayList<>();
        List<int[]> kept = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            QwenImage image = (QwenImage) request.images().get(i);
            grids.add(new int[] {image.mergedHeight(), image.mergedWidth()});
            kept.add(images.get(i).keptPatchIndices());
        }
        return MRopePositions.forPrompt(request.promptIds(), model.languageConfig().imageTokenId(), grids, kept);
    }

    @Override
    public int tokensIn(ModelImage image) {
        return ((QwenImage) image).tokens();
    }

    @Override
    public int crops(ModelImage image) {
        return 1;
    }

    @Override
    public int newlines(ModelImage image) {
        return 0;
    }
}
