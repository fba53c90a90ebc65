package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenLanguageConfig;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.llama.LlamaModel;
import dev.vscan.model.qwen.QwenVisionTower;
import dev.vscan.model.weights.CanonicalWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2.5-VL (model_type qwen2_5_vl): the window-attention vision tower with its patch merger, and
 * the Qwen2 decoder with M-RoPE, weights in one long-lived manager. Stage 2's scores are taken without
 * RoPE, as VScan's Qwen code takes them.
 */
public final class QwenVlModel implements AutoCloseable {

    private final QwenLanguageConfig language;
    private final QwenVisionConfig visionConfig;
    private final EngineOptions options;
    private final NDManager manager;
    private final QwenVisionTower vision;
    private final LlamaModel decoder;
    private final List<Integer> eosTokenIds;

    private QwenVlModel(QwenLanguageConfig language, QwenVisionConfig visionConfig, EngineOptions options,
            NDManager manager, QwenVisionTower vision, LlamaModel decoder, List<Integer> eosTokenIds) {
        this.language = language;
        this.visionConfig = visionConfig;
        this.options = options;
        this.manager = manager;
        this.vision = vision;
        this.decoder = decoder;
        this.eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Loads config.json, generation_config.json and the safetensors weights of a Qwen2.5-VL directory. */
    public static QwenVlModel load(Path dir, EngineOptions options) {
        QwenLanguageConfig language = ConfigLoader.loadQwenLanguage(dir);
        QwenVisionConfig visionConfig = QwenConfigReader.vision(dir);
        NDManager manager = NDManager.newBaseManager(options.device(), "PyTorch");
        try (CanonicalWeights weights = CanonicalWeights.open(dir)) {
            ParameterSource parameters = ParameterSource.of(weights, manager, options.dtype());
            QwenVisionTower vision = QwenVisionTower.load(parameters, visionConfig);
            LlamaModel decoder = LlamaModel.load(parameters, language.text(), language.text().tieWordEmbeddings(),
                    false);
            return new QwenVlModel(language, visionConfig, options, manager, vision, decoder, endIds(dir, language));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** config.json's end ids and generation_config.json's (Qwen's chat models end on either). */
    private static List<Integer> endIds(Path dir, QwenLanguageConfig language) {
        List<Integer> ids = new ArrayList<>(language.text().eosTokenIds());
        List<Integer> generation = ConfigLoader.loadGeneration(dir).eosTokenIds();
        if (generation != null) {
            for (int id : generation) {
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(dir + ": neither config.json nor generation_config.json names an"
                    + " eos_token_id");
        }
        return ids;
    }

    public QwenLanguageConfig languageConfig() {
        return language;
    }

    public QwenVisionConfig visionConfig() {
        return visionConfig;
    }

    public EngineOptions options() {
        return options;
    }

    public NDManager manager() {
        return manager;
    }

    public QwenVisionTower vision() {
        return vision;
    }

    public LlamaModel language() {
        return decoder;
    }

    /** Ids that end an answer. */
    public List<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    /** Bytes the weights take on the device. */
    public long weightBytes() {
        long bytes = 0;
        for (NDArray a : manager.getManagedArrays()) {
            bytes += a.size() * a.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    @Override
    public void close() {
        manager.close();
    }
}
