package dev.vscan.model.config;

import java.util.List;
import java.util.Objects;

/**
 * The Qwen2.5-VL vision tower ({@code vision_config}): a windowed ViT over 14-pixel patches of two
 * frames, with 2-D rotary positions, RMSNorm and a SwiGLU MLP, ending in a merger that folds each
 * {@code spatialMergeSize x spatialMergeSize} block of patches into one LLM token.
 *
 * @param fullAttentionBlocks {@code fullatt_block_indexes}: the blocks that attend over the whole image;
 *                            every other block attends within its window
 * @param rmsNormEps          not a config key: transformers hard-codes 1e-6 for the vision norms
 */
public record QwenVisionConfig(int depth, int hiddenSize, int intermediateSize, int numHeads, int inChannels,
                               int outHiddenSize, int patchSize, int spatialMergeSize, int temporalPatchSize,
                               int windowSize, List<Integer> fullAttentionBlocks, String hiddenAct,
                               double rmsNormEps) {

    /** Qwen2_5_VLVisionConfig's defaults, used for keys a config leaves out. */
    public static final QwenVisionConfig DEFAULTS = new QwenVisionConfig(32, 3584, 3420, 16, 3, 3584, 14, 2, 2, 112,
            List.of(7, 15, 23, 31), "silu", 1e-6);

    public QwenVisionConfig {
        Checks.positive("vision_config.depth", depth);
        Checks.positive("vision_config.hidden_size", hiddenSize);
        Checks.positive("vision_config.intermediate_size", intermediateSize);
        Checks.positive("vision_config.num_heads", numHeads);
        Checks.positive("vision_config.in_channels", inChannels);
        Checks.positive("vision_config.out_hidden_size", outHiddenSize);
        Checks.positive("vision_config.patch_size", patchSize);
        Checks.positive("vision_config.spatial_merge_size", spatialMergeSize);
        Checks.positive("vision_config.temporal_patch_size", temporalPatchSize);
        Checks.positive("vision_config.window_size", windowSize);
        Checks.positive("rms_norm_eps", rmsNormEps);
        Objects.requireNonNull(hiddenAct, "vision_config.hidden_act");
        fullAttentionBlocks = List.copyOf(fullAttentionBlocks);
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("vision_config.hidden_size " + hiddenSize
                    + " is not divisible by num_heads " + numHeads);
        }
        // Half of each head rotates by the patch row, half by the column, each as rotate-half pairs.
        if ((hiddenSize / numHeads) % 4 != 0) {
            throw new IllegalArgumentException("vision_config.hidden_size / num_heads = " + hiddenSize / numHeads
                    + " must be a multiple of 4 for the 2-D rotary embedding");
        }
        if (windowSize / spatialMergeSize / patchSize < 1) {
            throw new IllegalArgumentException("vision_config.window_size " + windowSize + " is smaller than one"
                    + " merged token (spatial_merge_size * patch_size = " + spatialMergeSize * patchSize + ")");
        }
        for (int block : fullAttentionBlocks) {
            if (block < 0 || block >= depth) {
                throw new IllegalArgumentException("vision_config.fullatt_block_indexes " + fullAttentionBlocks
                        + " names block " + block + " but depth is " + depth);
            }
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Values of one row of pixel_values: channels x frames x patch x patch, the Conv3d's flatten order. */
    public int patchValues() {
        return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    /** Patches folded into one merged (LLM) token. */
    public int mergeUnit() {
        return spatialMergeSize * spatialMergeSize;
    }

    /** Side of an attention window, in merged tokens. */
    public int windowMergedTokens() {
        return windowSize / spatialMergeSize / patchSize;
    }

    /** {@code fullatt_block_indexes} as an array. */
    public int[] fullAttentionBlockArray() {
        return fullAttentionBlocks.stream().mapToInt(Integer::intValue).toArray();
    }

    public boolean fullAttention(int block) {
        return fullAttentionBlocks.contains(block);
    }
}
