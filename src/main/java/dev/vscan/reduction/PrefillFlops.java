package dev.vscan.reduction;

import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.qwen.WindowLayout;
import java.util.List;

/**
 * Prefill FLOPs in the convention of the token-reduction papers (FastV, PyramidDrop, SparseVLM, VScan):
 * one multiply-add of a matrix product counts as one FLOP, and norms, softmax, activations and
 * embeddings are left out.
 *
 * <p>A decoder layer with n tokens, width d and a SwiGLU FFN of width m (three matrices) costs
 * 4nd^2 (q, k, v, o) + 2n^2d (scores and weighted sum) + 3ndm. A CLIP encoder layer has a
 * two-matrix MLP (fc1, fc2), so it costs 4nd^2 + 2n^2d + 2ndm; the patch embedding is left out.
 * Products are in {@code long} with overflow checks: a 7B prefill is about 1e12 to 1e13.
 */
public final class PrefillFlops {

    private PrefillFlops() {}

    /** One Llama decoder layer over {@code n} tokens. */
    public static long decoderLayer(long n, long d, long m) {
        return attentionPart(n, d) + Math.multiplyExact(Math.multiplyExact(3 * n, d), m);
    }

    /** One CLIP encoder layer over {@code n} tokens ([CLS] included when it runs). */
    public static long visionLayer(long n, long d, long m) {
        return attentionPart(n, d) + Math.multiplyExact(Math.multiplyExact(2 * n, d), m);
    }

    /** The language model's prefill, from the tokens each decoder layer processed. */
    public static long llm(int[] tokensPerLayer, int d, int m) {
        long total = 0;
        for (int n : tokensPerLayer) {
            total = Math.addExact(total, decoderLayer(n, d, m));
        }
        return total;
    }

    /** The vision tower over one image: {@code layersRun} layers of {@code tokens} each. */
    public static long vision(int tokens, int layersRun, int d, int m) {
        return Math.multiplyExact(layersRun, visionLayer(tokens, d, m));
    }

    /**
     * One Qwen2.5-VL vision block over {@code patches} patches whose attention runs (windows, or the
     * whole image in a full-attention block) have the given lengths: 4Pd^2 + 2(sum of run^2)d + 3Pdm
     * (SwiGLU with three matrices).
     */
    public static long qwenVisionBlock(long patches, int[] runLengths, long d, long m) {
        long squares = 0;
        for (int run : runLengths) {
            squares = Math.addExact(squares, (long) run * run);
        }
        long projections = Math.multiplyExact(Math.multiplyExact(4 * patches, d), d);
        long scores = Math.multiplyExact(Math.multiplyExact(2, squares), d);
        long mlp = Math.multiplyExact(Math.multiplyExact(3 * patches, d), m);
        return Math.addExact(Math.addExact(projections, scores), mlp);
    }

    /** Qwen2.5-VL's patch merger: {@code patches / unit} tokens through a (unit*d)^2 and a (unit*d) x out product. */
    public static long qwenMerger(long patches, int unit, long d, long out) {
        long tokens = patches / unit;
        long width = unit * d;
        return Math.multiplyExact(tokens, Math.addExact(Math.multiplyExact(width, width), Math.multiplyExact(width, out)));
    }

    /**
     * Qwen2.5-VL's vision tower over one image: every block with the runs it attends within (its windows,
     * or the whole image in {@code fullatt_block_indexes}), then the merger.
     */
    public static long qwenVision(QwenVisionConfig c, QwenImage image) {
        return Math.addExact(qwenVisionBlocks(c, image, false), Math.addExact(qwenVisionBlocks(c, image, true),
                qwenMerger(image.patches(), c.mergeUnit(), c.hiddenSize(), c.outHiddenSize())));
    }

    /** Of {@link #qwenVision}, what the window-attention blocks cost. */
    public static long qwenVisionWindowed(QwenVisionConfig c, QwenImage image) {
        return qwenVisionBlocks(c, image, false);
    }

    private static long qwenVisionBlocks(QwenVisionConfig c, QwenImage image, boolean fullAttention) {
        WindowLayout layout = WindowLayout.of(List.of(image.gridThw()), c.spatialMergeSize(), c.windowMergedTokens());
        int[] runs = runs(fullAttention ? layout.frameBounds() : layout.windowBounds());
        long total = 0;
        for (int b = 0; b < c.depth(); b++) {
            if (c.fullAttention(b) == fullAttention) {
                total = Math.addExact(total, qwenVisionBlock(image.patches(), runs, c.hiddenSize(), c.intermediateSize()));
            }
        }
        return total;
    }

    private static int[] runs(int[] bounds) {
        int[] lengths = new int[Math.max(0, bounds.length - 1)];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = bounds[i + 1] - bounds[i];
        }
        return lengths;
    }

    private static long attentionPart(long n, long d) {
        long projections = Math.multiplyExact(Math.multiplyExact(4 * n, d), d);
        long scores = Math.multiplyExact(Math.multiplyExact(2 * n, n), d);
        return Math.addExact(projections, scores);
    }
}
