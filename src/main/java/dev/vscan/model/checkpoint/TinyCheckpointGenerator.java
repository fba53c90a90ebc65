package dev.vscan.model.checkpoint;

import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.config.PreprocessorConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.text.BpeTokenizerBuilder;
import dev.vscan.model.text.BpeTokenizerSpec;
import dev.vscan.model.weights.CheckpointLayout;
import dev.vscan.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a complete llava-hf directory (config.json, model.safetensors in the published layout,
 * tokenizer.json, tokenizer_config.json, preprocessor_config.json, generation_config.json) with
 * random weights. Every tensor draws from its own generator seeded by the seed and the tensor name,
 * so the same seed gives the same bytes whatever order tensors are written in.
 *
 * <p>{@link #generateNext} writes the LLaVA-NeXT form of a preset: the same tower, projector and decoder,
 * an {@code image_newline}, and llava-v1.6's five grid pinpoints at the preset's tile size.
 */
public final class TinyCheckpointGenerator {

    private static final String VISION = "model.vision_tower.vision_model.";
    private static final String PROJECTOR = "model.multi_modal_projector.";
    private static final String TEXT = "model.language_model.";

    private static final String NEWLINE = "model.image_newline";

    private final TinyCheckpointPreset preset;
    private final long seed;
    private final boolean next;
    private final SafetensorsWriter writer = new SafetensorsWriter();
    private final SeededTensors tensors;

    private TinyCheckpointGenerator(TinyCheckpointPreset preset, long seed, boolean next) {
        this.preset = preset;
        this.seed = seed;
        this.next = next;
        // Drawn by canonical name, stored by the llava-hf one.
        this.tensors = new SeededTensors(writer, preset.storageType(), seed, CheckpointLayout.LLAVA_HF::fromCanonical);
    }

    public static void generate(Path dir, TinyCheckpointPreset preset, long seed) {
        new TinyCheckpointGenerator(preset, seed, false).write(dir);
    }

    /** A LLaVA-NeXT checkpoint ({@code model_type} llava_next) of the preset's shapes. */
    public static void generateNext(Path dir, TinyCheckpointPreset preset, long seed) {
        new TinyCheckpointGenerator(preset, seed, true).write(dir);
    }

    /** llava-v1.6's grid resolutions, (height, width) in tiles: 1x2, 2x1, 2x2, 1x3, 3x1. */
    public static List<int[]> nextPinpoints(int tileSize) {
        int t = tileSize;
        return List.of(new int[] {t, 2 * t}, new int[] {2 * t, t}, new int[] {2 * t, 2 * t}, new int[] {t, 3 * t},
                new int[] {3 * t, t});
    }

    private void write(Path dir) {
        LlavaConfig config = preset.config();
        addVision(config.vision());
        addProjector(config.vision().hiddenSize(), config.text().hiddenSize());
        addText(config.text());
        if (next) {
            normal(NEWLINE, 1 / Math.sqrt(config.text().hiddenSize()), config.text().hiddenSize());
        }
        writer.metadata("generator", "vscan-serve tiny-checkpoint " + preset.name().toLowerCase() + " seed " + seed);
        try {
            Files.createDirectories(dir);
            writer.write(dir.resolve("model.safetensors"));
            PreprocessorConfig perCrop = PreprocessorConfig.clipDefaults(config.vision().imageSize());
            if (next) {
                List<int[]> pinpoints = nextPinpoints(config.vision().imageSize());
                writeString(dir.resolve("config.json"), ConfigLoader.toJson(new LlavaNextConfig(config, pinpoints)));
                writeString(dir.resolve("preprocessor_config.json"), ConfigLoader.toJson(perCrop, pinpoints));
            } else {
                writeString(dir.resolve("config.json"), ConfigLoader.toJson(config));
                writeString(dir.resolve("preprocessor_config.json"), ConfigLoader.toJson(perCrop));
            }
            writeString(dir.resolve("generation_config.json"), "{\n  \"bos_token_id\": " + config.text().bosTokenId()
                    + ",\n  \"eos_token_id\": " + config.text().eosTokenIds().get(0)
                    + ",\n  \"pad_token_id\": " + config.padTokenId() + "\n}\n");
            writeString(dir.resolve("tokenizer.json"),
                    BpeTokenizerBuilder.build(new BpeTokenizerSpec(config.text().vocabSize())));
            writeString(dir.resolve("tokenizer_config.json"), BpeTokenizerBuilder.tokenizerConfigJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private void addVision(VisionConfig v) {
        int w = v.hiddenSize();
        normal(VISION + "embeddings.patch_embedding.weight", 1 / Math.sqrt((double) v.numChannels() * v.patchSize() * v.patchSize()),
                w, v.numChannels(), v.patchSize(), v.patchSize());
        normal(VISION + "embeddings.class_embedding", 0.5, w);
        normal(VISION + "embeddings.position_embedding.weight", 0.1, v.numPatches() + 1, w);
        layerNorm(VISION + "pre_layrnorm", w);
        for (int i = 0; i < v.numHiddenLayers(); i++) {
            String l = VISION + "encoder.layers." + i + ".";
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                linear(l + "self_attn." + proj, w, w, true);
            }
            layerNorm(l + "layer_norm1", w);
            layerNorm(l + "layer_norm2", w);
            linear(l + "mlp.fc1", v.intermediateSize(), w, true);
            linear(l + "mlp.fc2", w, v.intermediateSize(), true);
        }
        // Present in real checkpoints although LLaVA never reads it.
        layerNorm(VISION + "post_layernorm", w);
    }

    private void addProjector(int visionWidth, int textWidth) {
        linear(PROJECTOR + "linear_1", textWidth, visionWidth, true);
        linear(PROJECTOR + "linear_2", textWidth, textWidth, true);
    }

    private void addText(TextConfig t) {
        int d = t.hiddenSize();
        int q = t.numAttentionHeads() * t.headDim();
        int kv = t.numKeyValueHeads() * t.headDim();
        normal(TEXT + "embed_tokens.weight", 1.0, t.vocabSize(), d);
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String l = TEXT + "layers." + i + ".";
            linear(l + "self_attn.q_proj", q, d, false);
            linear(l + "self_attn.k_proj", kv, d, false);
            linear(l + "self_attn.v_proj", kv, d, false);
            linear(l + "self_attn.o_proj", d, q, false);
            linear(l + "mlp.gate_proj", t.intermediateSize(), d, false);
            linear(l + "mlp.up_proj", t.intermediateSize(), d, false);
            linear(l + "mlp.down_proj", d, t.intermediateSize(), false);
            scale(l + "input_layernorm.weight", d);
            scale(l + "post_attention_layernorm.weight", d);
        }
        scale(TEXT + "norm.weight", d);
        normal("lm_head.weight", 1 / Math.sqrt(d), t.vocabSize(), d);
    }

    private void linear(String name, int out, int in, boolean bias) {
        tensors.linear(name, out, in, bias);
    }

    private void layerNorm(String name, int width) {
        tensors.layerNorm(name, width);
    }

    private void scale(String name, int width) {
        tensors.scale(name, width);
    }

    private void normal(String name, double std, long... shape) {
        tensors.normal(name, std, shape);
    }

    private static void writeString(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
