package dev.vscan.model.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The parts of a tokenizer.json that every byte-level BPE this project builds writes alike. */
final class BpeModelJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BpeModelJson() {
    }

    /**
     * The BPE model's {@code vocab} and {@code merges}: {@code leading} tokens first, then the 256 byte
     * symbols, then the trained tokens in the order they were learned.
     */
    static void addVocabularyAndMerges(ObjectNode model, List<String> leading, BpeTrainer.Result trained) {
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String token : leading) {
            vocab.put(token, id++);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.symbol(b)), id++);
        }
        for (String token : trained.newTokens()) {
            vocab.put(token, id++);
        }
        ArrayNode merges = model.putArray("merges");
        trained.merges().forEach(merges::add);
    }

    static String pretty(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise tokenizer JSON", e);
        }
    }
}
