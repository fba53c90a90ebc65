package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.ParameterSource;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.nn.Activations;
import dev.vscan.model.nn.Linear;
import dev.vscan.model.nn.RmsNorm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Qwen2.5-VL's vision transformer ({@code model.visual.*}): Conv3d patch embedding as one matmul, the
 * rows put in window order, blocks attending within windows or, for {@code fullatt_block_indexes}, within
 * each whole image (never across images, so a batch of images gives each the features it has alone), the
 * patch merger, and the merged tokens put back in raster order. It can also report, for chosen blocks,
 * the attention each merged token receives (VScan's stage-1 scores).
 */
public final class QwenVisionTower {

    private static final String PREFIX = "model.visual.";

    private final QwenVisionConfig config;
    private final NDArray patchWeightT;
    private final List<QwenVisionBlock> blocks;
    private final PatchMerger merger;
    private final VisionRope rope;

    private QwenVisionTower(QwenVisionConfig config, NDArray patchWeightT, List<QwenVisionBlock> blocks,
            PatchMerger merger) {
        this.config = config;
        this.patchWeightT = patchWeightT;
        this.blocks = blocks;
        this.merger = merger;
        this.rope = new VisionRope(config.headDim());
    }

    /** Reads every vision weight from {@code p} (into the source's long-lived manager). */
    public static QwenVisionTower load(ParameterSource p, QwenVisionConfig c) {
        return load(p, c, QwenVisionAttention.CHUNK_BUDGET);
    }

    /** As {@link #load(ParameterSource, QwenVisionConfig)}; at most {@code chunkBudget} attention probabilities at once. */
    static QwenVisionTower load(ParameterSource p, QwenVisionConfig c, long chunkBudget) {
        long w = c.hiddenSize();
        UnaryOperator<NDArray> act;
        try {
            act = Activations.byName(c.hiddenAct());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vision_config.hidden_act: " + e.getMessage(), e);
        }
        NDArray conv = p.get(PREFIX + "patch_embed.proj.weight", w, c.inChannels(), c.temporalPatchSize(),
                c.patchSize(), c.patchSize());
        // Kernel = stride and no bias: the Conv3d is pixel_values x W.reshape(hidden, C*T*P*P)^T.
        NDArray patchWeightT = conv.reshape(w, c.patchValues()).transpose();
        List<QwenVisionBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            String b = PREFIX + "blocks." + i + ".";
            QwenVisionAttention attention = new QwenVisionAttention(linear(p, b + "attn.qkv", 3 * w, w),
                    linear(p, b + "attn.proj", w, w), c.numHeads(), chunkBudget);
            blocks.add(new QwenVisionBlock(norm(p, b + "norm1", w, c), attention, norm(p, b + "norm2", w, c),
                    linear(p, b + "mlp.gate_proj", c.intermediateSize(), w),
                    linear(p, b + "mlp.up_proj", c.intermediateSize(), w),
                    linear(p, b + "mlp.down_proj", w, c.intermediateSize()), act, c.fullAttention(i)));
        }
        long merged = w * c.mergeUnit();
        PatchMerger merger = new PatchMerger(norm(p, PREFIX + "merger.ln_q", w, c),
                linear(p, PREFIX + "merger.mlp.0", merged, merged),
                linear(p, PREFIX + "merger.mlp.2", c.outHiddenSize(), merged));
        return new QwenVisionTower(c, patchWeightT, List.copyOf(blocks), merger);
    }

    public QwenVisionConfig config() {
        return config;
    }

    /** VScan's local score block: the first full-attention block. */
    public int localScoreBlock() {
        if (config.fullAttentionBlocks().isEmpty()) {
            throw new IllegalStateException("the vision tower has no full-attention block to take local scores from");
        }
        return config.fullAttentionBlocks().get(0);
    }

    /** VScan's global score block: the last block. */
    public int globalScoreBlock() {
        return config.depth() - 1;
    }

    /** The window order of these images and the runs each kind of block attends within. */
    public WindowLayout layout(List<QwenImage> images) {
        List<int[]> grids = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            QwenImage image = images.get(i);
            if (image.rowLength() != config.patchValues() || image.mergeSize() != config.spatialMergeSize()) {
                throw new IllegalArgumentException("image " + i + " has patch rows of " + image.rowLength()
                        + " values and merge size " + image.mergeSize() + " but the vision tower takes "
                        + config.patchValues() + " and " + config.spatialMergeSize());
            }
            grids.add(image.gridThw());
        }
        return WindowLayout.of(grids, config.spatialMergeSize(), config.windowMergedTokens());
    }

    /**
     * Runs the tower over several images at once. Activations live in a sub-manager of {@code manager}
     * that is closed before returning, each block's inputs freed once its output exists; only the
     * features (and the score arrays, copied to Java) leave it.
     *
     * @param manager     where the features are created (their device is the manager's)
     * @param scoreBlocks 0-based blocks whose received attention to report
     * @return one entry per image, in order
     */
    public List<QwenImageFeatures> forward(NDManager manager, List<QwenImage> images, Set<Integer> scoreBlocks) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("the vision tower needs at least one image");
        }
        for (int block : scoreBlocks) {
            if (block < 0 || block >= blocks.size()) {
                throw new IllegalArgumentException("attention of vision block " + block + " was asked for, but the"
                        + " tower has blocks 0.." + (blocks.size() - 1));
            }
        }
        WindowLayout layout = layout(images);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = windowOrderedPixels(scope, images, layout).matMul(patchWeightT);
            NDArray[] table = rope.table(scope, layout);
            SegmentGroups windows = SegmentGroups.of(layout.bounds(false));
            SegmentGroups frames = SegmentGroups.of(layout.bounds(true));
            Map<Integer, float[]> received = new TreeMap<>();
            for (int i = 0; i < blocks.size(); i++) {
                QwenVisionBlock block = blocks.get(i);
                NDArray[] sink = scoreBlocks.contains(i) ? new NDArray[1] : null;
                try (NDManager blockScope = scope.newSubManager()) {
                    x.attach(blockScope);
                    x = block.apply(x, table, block.fullAttention() ? frames : windows, sink);
                    x.attach(scope);
                    if (sink != null) {
                        received.put(i, sink[0].toFloatArray());
                    }
                }
            }
            NDArray raster = merger.apply(x).get(scope.create(layout.reverse()));
            List<QwenImageFeatures> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                QwenImage image = images.get(i);
                NDArray features = raster.get(new NDIndex("{}:{}", layout.tokenOffset(i), layout.tokenOffset(i + 1)));
                features.attach(manager);
                Map<Integer, float[]> scores = new LinkedHashMap<>();
                int index = i;
                received.forEach((block, rows) -> scores.put(block, perToken(rows, layout, index, image.patches())));
                out.add(new QwenImageFeatures(features, scores, image.mergedHeight(), image.mergedWidth()));
            }
            return out;
        }
    }

    /** All images' patch rows in window order, in the weights' dtype, on the manager's device. */
    private NDArray windowOrderedPixels(NDManager scope, List<QwenImage> images, WindowLayout layout) {
        int row = config.patchValues();
        float[] all = new float[Math.multiplyExact(layout.patches(), row)];
        int at = 0;
        for (QwenImage image : images) {
            System.arraycopy(image.pixelValues(), 0, all, at, image.pixelValues().length);
            at += image.pixelValues().length;
        }
        long[] order = layout.patchOrder();
        float[] ordered = new float[all.length];
        for (int p = 0; p < order.length; p++) {
            System.arraycopy(all, (int) order[p] * row, ordered, p * row, row);
        }
        NDArray pixels = scope.create(ordered, new Shape(order.length, row));
        DataType dtype = patchWeightT.getDataType();
        return pixels.getDataType() == dtype ? pixels : pixels.toType(dtype, false);
    }

    /**
     * Image {@code image}'s per-key sums (window order) to one score per merged token in raster order:
     * divided by the image's query rows, averaged over the token's patches.
     */
    private float[] perToken(float[] rows, WindowLayout layout, int image, int imagePatches) {
        int unit = config.mergeUnit();
        int first = layout.tokenOffset(image);
        int[] windowIndex = layout.windowIndex();
        float[] scores = new float[layout.tokenOffset(image + 1) - first];
        for (int j = first; j < layout.tokenOffset(image + 1); j++) {
            double sum = 0;
            for (int u = 0; u < unit; u++) {
                sum += rows[j * unit + u];
            }
            scores[windowIndex[j] - first] = (float) (sum / imagePatches / unit);
        }
        return scores;
    }

    private static Linear linear(ParameterSource p, String name, long out, long in) {
        return new Linear(p.get(name + ".weight", out, in), p.get(name + ".bias", out));
    }

    private static RmsNorm norm(ParameterSource p, String name, long width, QwenVisionConfig c) {
        return new RmsNorm(p.get(name + ".weight", width), c.rmsNormEps());
    }
}
