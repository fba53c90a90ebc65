package dev.vscan.model.config;

import java.util.List;
import java.util.Objects;

/**
 * The decoder-only language model: Llama ({@code text_config}, model_type llama or mistral) or Qwen2,
 * whose M-RoPE splits the rotary frequencies over position streams.
 *
 * @param mropeSection rotary frequencies per M-RoPE stream (Qwen2.5-VL's {@code mrope_section}); empty
 *                     for plain RoPE
 */
public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                         int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
                         double ropeTheta, int maxPositionEmbeddings, String hiddenAct, boolean tieWordEmbeddings,
                         int bosTokenId, List<Integer> eosTokenIds, int padTokenId, List<Integer> mropeSection) {

    /** A Llama config with plain RoPE. */
    public TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                      int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
                      double ropeTheta, int maxPositionEmbeddings, String hiddenAct, boolean tieWordEmbeddings,
                      int bosTokenId, List<Integer> eosTokenIds, int padTokenId) {
        this(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                rmsNormEps, ropeTheta, maxPositionEmbeddings, hiddenAct, tieWordEmbeddings, bosTokenId, eosTokenIds,
                padTokenId, List.of());
    }

    public TextConfig {
        Checks.positive("text_config.vocab_size", vocabSize);
        Checks.positive("text_config.hidden_size", hiddenSize);
        Checks.positive("text_config.intermediate_size", intermediateSize);
        Checks.positive("text_config.num_hidden_layers", numHiddenLayers);
        Checks.positive("text_config.num_attention_heads", numAttentionHeads);
        Checks.positive("text_config.num_key_value_heads", numKeyValueHeads);
        Checks.positive("text_config.head_dim", headDim);
        Checks.positive("text_config.rms_norm_eps", rmsNormEps);
        Checks.positive("text_config.rope_theta", ropeTheta);
        Checks.positive("text_config.max_position_embeddings", maxPositionEmbeddings);
        Objects.requireNonNull(hiddenAct, "text_config.hidden_act");
        eosTokenIds = List.copyOf(eosTokenIds);
        mropeSection = List.copyOf(mropeSection);
        if (!mropeSection.isEmpty() && mropeSection.stream().mapToInt(Integer::intValue).sum() * 2 != headDim) {
            throw new IllegalArgumentException("rope_scaling.mrope_section " + mropeSection + " must add up to head_dim / 2 ("
                    + headDim / 2 + ")");
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("text_config.num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("text_config.head_dim " + headDim + " must be even for rotary embeddings");
        }
    }

    /** The M-RoPE section as an array, or null for plain RoPE. */
    public int[] mropeSectionOrNull() {
        return mropeSection.isEmpty() ? null : mropeSection.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Query heads sharing one key/value head. */
    public int queriesPerKeyValueHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** True if {@code tokenId} ends generation. */
    public boolean isEos(int tokenId) {
        return eosTokenIds.contains(tokenId);
    }
}
