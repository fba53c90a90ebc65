package dev.vscan.model.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.text.QwenTokenizerBuilder;
import dev.vscan.model.text.QwenTokenizerSpec;
import dev.vscan.model.weights.DType;
import dev.vscan.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes a complete Qwen2.5-VL directory in the layout of the published Qwen/Qwen2.5-VL-7B-Instruct, with
 * random weights: config.json (flat, {@code vision_config}, M-RoPE), model.safetensors with the published
 * tensor names ({@code visual.*}, {@code model.layers.*}, {@code lm_head.weight}), a Qwen-style byte-level
 * BPE tokenizer.json ({@link QwenTokenizerBuilder}) with tokenizer_config.json, preprocessor_config.json
 * (Qwen2VLImageProcessor), chat_template.json and generation_config.json.
 *
 * <p>Every tensor draws from its own generator seeded by the seed and its published name, so one seed gives
 * the same bytes whatever order tensors are written in. Linear weights have std 1/sqrt(fan_in), so
 * activations stay at unit scale and attention is not flat. The {@code lm_head} rows of the padding ids and
 * of the added tokens other than the two end ids are 50 times smaller, so greedy answers are text or end.
 */
public final class QwenCheckpointGenerator {

    /** Files every generated directory has. */
    public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "preprocessor_config.json", "chat_template.json", "generation_config.json");

    /**
     * The Qwen2-VL / Qwen2.5-VL processor's chat template: a default system message unless the
     * conversation opens with one, and {@code <|vision_start|><|image_pad|><|vision_end|>} for each image.
     */
    public static final String CHAT_TEMPLATE = "{% set image_count = namespace(value=0) %}"
            + "{% set video_count = namespace(value=0) %}"
            + "{% for message in messages %}"
            + "{% if loop.first and message['role'] != 'system' %}"
            + "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
            + "<|im_start|>{{ message['role'] }}\n"
            + "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
            + "{% else %}{% for content in message['content'] %}"
            + "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
            + "{% set image_count.value = image_count.value + 1 %}"
            + "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
            + "<|vision_start|><|image_pad|><|vision_end|>"
            + "{% elif content['type'] == 'video' or 'video' in content %}"
            + "{% set video_count.value = video_count.value + 1 %}"
            + "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
            + "<|vision_start|><|video_pad|><|vision_end|>"
            + "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
            + "{% endif %}{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SMALL_ROW = 1 / 50.0;
    // OpenAI CLIP's statistics with the decimals the published file writes (PreprocessorConfig has them as floats).
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    private final QwenCheckpointPreset preset;
    private final long seed;
    private final SafetensorsWriter writer = new SafetensorsWriter();
    private final SeededTensors tensors;

    private QwenCheckpointGenerator(QwenCheckpointPreset preset, long seed) {
        this.preset = preset;
        this.seed = seed;
        this.tensors = new SeededTensors(writer, preset.storageType(), seed, UnaryOperator.identity());
    }

    /** Writes the checkpoint of {@code preset} with weights drawn from {@code seed} into {@code dir}. */
    public static void generate(Path dir, QwenCheckpointPreset preset, long seed) {
        new QwenCheckpointGenerator(preset, seed).write(dir);
    }

    private void write(Path dir) {
        TextConfig text = preset.language().text();
        addVision(preset.vision());
        addText(text);
        writer.metadata("generator", "vscan-serve tiny-checkpoint qwen2_5_vl "
                + preset.name().toLowerCase(java.util.Locale.ROOT) + " seed " + seed);
        QwenTokenizerSpec tokenizer = preset.tokenizer();
        try {
            Files.createDirectories(dir);
            writer.write(dir.resolve("model.safetensors"));
            writeString(dir.resolve("config.json"), configJson());
            writeString(dir.resolve("preprocessor_config.json"), preprocessorJson());
            writeString(dir.resolve("generation_config.json"), generationJson(tokenizer));
            ObjectNode template = JSON.createObjectNode();
            template.put("chat_template", CHAT_TEMPLATE);
            writeString(dir.resolve("chat_template.json"), json(template));
            writeString(dir.resolve("tokenizer.json"), QwenTokenizerBuilder.build(tokenizer));
            writeString(dir.resolve("tokenizer_config.json"), QwenTokenizerBuilder.tokenizerConfigJson(tokenizer));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private void addVision(QwenVisionConfig v) {
        int w = v.hiddenSize();
        tensors.normal("visual.patch_embed.proj.weight", 1 / Math.sqrt(v.patchValues()), w, v.inChannels(),
                v.temporalPatchSize(), v.patchSize(), v.patchSize());
        for (int i = 0; i < v.depth(); i++) {
            String b = "visual.blocks." + i + ".";
            tensors.scale(b + "norm1.weight", w);
            tensors.scale(b + "norm2.weight", w);
            // Rows q | k | v, each head-major, as the published fused projection.
            tensors.linear(b + "attn.qkv", 3 * w, w, true);
            tensors.linear(b + "attn.proj", w, w, true);
            tensors.linear(b + "mlp.gate_proj", v.intermediateSize(), w, true);
            tensors.linear(b + "mlp.up_proj", v.intermediateSize(), w, true);
            tensors.linear(b + "mlp.down_proj", w, v.intermediateSize(), true);
        }
        int merged = w * v.mergeUnit();
        tensors.scale("visual.merger.ln_q.weight", w);
        tensors.linear("visual.merger.mlp.0", merged, merged, true);
        tensors.linear("visual.merger.mlp.2", v.outHiddenSize(), merged, true);
    }

    private void addText(TextConfig t) {
        int d = t.hiddenSize();
        int q = t.numAttentionHeads() * t.headDim();
        int kv = t.numKeyValueHeads() * t.headDim();
        tensors.normal("model.embed_tokens.weight", 1.0, t.vocabSize(), d);
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String l = "model.layers." + i + ".";
            tensors.linear(l + "self_attn.q_proj", q, d, true);
            tensors.linear(l + "self_attn.k_proj", kv, d, true);
            tensors.linear(l + "self_attn.v_proj", kv, d, true);
            tensors.linear(l + "self_attn.o_proj", d, q, false);
            tensors.linear(l + "mlp.gate_proj", t.intermediateSize(), d, false);
            tensors.linear(l + "mlp.up_proj", t.intermediateSize(), d, false);
            tensors.linear(l + "mlp.down_proj", d, t.intermediateSize(), false);
            tensors.scale(l + "input_layernorm.weight", d);
            tensors.scale(l + "post_attention_layernorm.weight", d);
        }
        tensors.scale("model.norm.weight", d);
        addLmHead(t);
    }

    private void addLmHead(TextConfig t) {
        int d = t.hiddenSize();
        String name = "lm_head.weight";
        float[] rows = tensors.draw(name, SeededTensors.count(t.vocabSize(), d), 1 / Math.sqrt(d));
        QwenTokenizerSpec tokenizer = preset.tokenizer();
        List<Integer> ends = tokenizer.endIds();
        for (int id = tokenizer.bpeVocabularySize(); id < t.vocabSize(); id++) {
            if (!ends.contains(id)) {
                for (int j = 0; j < d; j++) {
                    rows[id * d + j] *= (float) SMALL_ROW;
                }
            }
        }
        tensors.add(name, rows, t.vocabSize(), d);
    }

    private String configJson() {
        TextConfig t = preset.language().text();
        QwenVisionConfig v = preset.vision();
        QwenTokenizerSpec tokenizer = preset.tokenizer();
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("Qwen2_5_VLForConditionalGeneration");
        c.put("attention_dropout", 0.0);
        c.put("bos_token_id", t.bosTokenId());
        c.put("eos_token_id", t.eosTokenIds().get(0));
        c.put("vision_start_token_id", tokenizer.visionStart());
        c.put("vision_end_token_id", tokenizer.visionEnd());
        c.put("vision_token_id", tokenizer.visionPad());
        c.put("image_token_id", tokenizer.imagePad());
        c.put("video_token_id", tokenizer.videoPad());
        c.put("hidden_act", t.hiddenAct());
        c.put("hidden_size", t.hiddenSize());
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", t.intermediateSize());
        c.put("max_position_embeddings", t.maxPositionEmbeddings());
        c.put("max_window_layers", t.numHiddenLayers());
        c.put("model_type", QwenConfigReader.MODEL_TYPE);
        c.put("num_attention_heads", t.numAttentionHeads());
        c.put("num_hidden_layers", t.numHiddenLayers());
        c.put("num_key_value_heads", t.numKeyValueHeads());
        c.put("rms_norm_eps", t.rmsNormEps());
        c.put("rope_theta", t.ropeTheta());
        c.put("sliding_window", 32768);
        c.put("tie_word_embeddings", t.tieWordEmbeddings());
        c.put("torch_dtype", preset.storageType() == DType.F16 ? "float16" : "float32");
        c.put("transformers_version", "4.41.2");
        c.put("use_cache", true);
        c.put("use_sliding_window", false);
        ObjectNode vision = c.putObject("vision_config");
        vision.put("depth", v.depth());
        vision.put("hidden_act", v.hiddenAct());
        vision.put("hidden_size", v.hiddenSize());
        vision.put("intermediate_size", v.intermediateSize());
        vision.put("num_heads", v.numHeads());
        vision.put("in_chans", v.inChannels());
        vision.put("out_hidden_size", v.outHiddenSize());
        vision.put("patch_size", v.patchSize());
        vision.put("spatial_merge_size", v.spatialMergeSize());
        vision.put("spatial_patch_size", v.patchSize());
        vision.put("window_size", v.windowSize());
        ArrayNode full = vision.putArray("fullatt_block_indexes");
        v.fullAttentionBlocks().forEach(full::add);
        vision.put("tokens_per_second", 2);
        vision.put("temporal_patch_size", v.temporalPatchSize());
        ObjectNode rope = c.putObject("rope_scaling");
        rope.put("type", "mrope");
        ArrayNode section = rope.putArray("mrope_section");
        t.mropeSection().forEach(section::add);
        c.put("vocab_size", t.vocabSize());
        return json(c);
    }

    private String preprocessorJson() {
        QwenVisionConfig v = preset.vision();
        ObjectNode p = JSON.createObjectNode();
        p.put("min_pixels", QwenCheckpointPreset.MIN_PIXELS);
        p.put("max_pixels", preset.maxPixels());
        p.put("patch_size", v.patchSize());
        p.put("temporal_patch_size", v.temporalPatchSize());
        p.put("merge_size", v.spatialMergeSize());
        ArrayNode mean = p.putArray("image_mean");
        for (double m : CLIP_MEAN) {
            mean.add(m);
        }
        ArrayNode std = p.putArray("image_std");
        for (double s : CLIP_STD) {
            std.add(s);
        }
        p.put("image_processor_type", "Qwen2VLImageProcessor");
        p.put("processor_class", "Qwen2_5_VLProcessor");
        return json(p);
    }

    /** Greedy, ending on {@code <|im_end|>} or {@code <|endoftext|>}; no repetition penalty. */
    private static String generationJson(QwenTokenizerSpec tokenizer) {
        ObjectNode g = JSON.createObjectNode();
        g.put("bos_token_id", tokenizer.endOfText());
        g.put("pad_token_id", tokenizer.endOfText());
        ArrayNode eos = g.putArray("eos_token_id");
        tokenizer.endIds().forEach(eos::add);
        g.put("do_sample", false);
        return json(g);
    }

    private static String json(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise checkpoint JSON", e);
        }
    }

    private static void writeString(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
