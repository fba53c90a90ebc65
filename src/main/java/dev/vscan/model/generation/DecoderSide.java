package dev.vscan.model.generation;

import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaModel;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.llama.LlamaModel;
import java.util.List;

/**
 * What generation needs of a model family besides its visual side: the decoder, the manager its
 * weights live in (per-batch and per-step scopes hang under it), the prompt's image placeholder and
 * the ids that end a sequence.
 *
 * @param imageToken  the placeholder id that stands for one image in a request's prompt ids
 * @param eosTokenIds ids that end a sequence (config.json's and generation_config.json's together)
 */
public record DecoderSide(LlamaModel language, NDManager manager, long imageToken, List<Integer> eosTokenIds) {

    public DecoderSide {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** LLaVA's (1.5 and NeXT): {@code <image>}, and the text config's end-of-sequence ids. */
    public static DecoderSide of(LlavaModel model) {
        return new DecoderSide(model.language(), model.manager(), model.config().imageTokenIndex(),
                model.config().text().eosTokenIds());
    }

    /** Qwen2.5-VL's: {@code <|image_pad|>}, and the end ids of config.json and generation_config.json. */
    public static DecoderSide of(QwenVlModel model) {
        return new DecoderSide(model.language(), model.manager(), model.languageConfig().imageTokenId(),
                model.eosTokenIds());
    }

    int vocabSize() {
        return language.config().vocabSize();
    }
}
