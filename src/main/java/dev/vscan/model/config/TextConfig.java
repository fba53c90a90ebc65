package dev.vscan.model.config;

import java.util.List;
import java.util.Objects;

/** The Llama language model ({@code text_config}, model_type llama). */
public record TextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                         int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
                         double ropeTheta, int maxPositionEmbeddings, String hiddenAct, boolean tieWordEmbeddings,
                         int bosTokenId, List<Integer> eosTokenIds, int padTokenId) {

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
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("text_config.num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("text_config.head_dim " + headDim + " must be even for rotary embeddings");
        }
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
