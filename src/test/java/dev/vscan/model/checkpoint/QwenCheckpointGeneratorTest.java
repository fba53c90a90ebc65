package dev.vscan.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.TestModels;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.config.QwenPreprocessorConfig;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.DecoderSide;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.VisualEncoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.qwen.QwenImagePreprocessor;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.text.PromptFormat;
import dev.vscan.model.text.QwenTokenizerSpec;
import dev.vscan.model.weights.DType;
import dev.vscan.model.weights.SafetensorsReader;
import dev.vscan.model.weights.TensorInfo;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated Qwen2.5-VL checkpoints: the published layout, deterministic in the seed, and runnable. */
class QwenCheckpointGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void oneSeedGivesTheSameFilesAndAnotherSeedOtherWeights() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        QwenCheckpointGenerator.generate(a, QwenCheckpointPreset.TINY, 3);
        QwenCheckpointGenerator.generate(b, QwenCheckpointPreset.TINY, 3);
        QwenCheckpointGenerator.generate(c, QwenCheckpointPreset.TINY, 4);
        try (var files = Files.list(a)) {
            assertEquals(new TreeSet<>(QwenCheckpointGenerator.FILES),
                    new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()));
        }
        for (String file : QwenCheckpointGenerator.FILES) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
            if (!file.equals("model.safetensors")) {
                assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(c.resolve(file)),
                        file + " should not depend on the seed");
            }
        }
        try (SafetensorsReader three = SafetensorsReader.open(a.resolve("model.safetensors"));
             SafetensorsReader four = SafetensorsReader.open(c.resolve("model.safetensors"))) {
            for (String name : three.tensors().keySet()) {
                assertFalse(Arrays.equals(three.readFloat32(name), four.readFloat32(name)), name);
            }
        }
    }

    @Test
    void tinyHasThePublishedTensorNamesAndShapes() throws IOException {
        QwenCheckpointGenerator.generate(tmp, QwenCheckpointPreset.TINY, 0);
        try (SafetensorsReader weights = SafetensorsReader.open(tmp.resolve("model.safetensors"))) {
            Map<String, TensorInfo> tensors = weights.tensors();
            // 105 as in the fixture: 4 vision blocks and 4 decoder layers of 12 tensors each, the patch
            // embedding, the merger's 5, embed_tokens, norm and lm_head
            assertEquals(4 * 12 + 4 * 12 + 1 + 5 + 3, tensors.size());
            assertShape(tensors, "visual.patch_embed.proj.weight", 32, 3, 2, 14, 14);
            assertShape(tensors, "visual.blocks.0.norm1.weight", 32);
            assertShape(tensors, "visual.blocks.3.norm2.weight", 32);
            assertShape(tensors, "visual.blocks.1.attn.qkv.weight", 96, 32);
            assertShape(tensors, "visual.blocks.1.attn.qkv.bias", 96);
            assertShape(tensors, "visual.blocks.2.attn.proj.weight", 32, 32);
            assertShape(tensors, "visual.blocks.2.attn.proj.bias", 32);
            assertShape(tensors, "visual.blocks.0.mlp.gate_proj.weight", 64, 32);
            assertShape(tensors, "visual.blocks.0.mlp.up_proj.bias", 64);
            assertShape(tensors, "visual.blocks.0.mlp.down_proj.weight", 32, 64);
            assertShape(tensors, "visual.merger.ln_q.weight", 32);
            assertShape(tensors, "visual.merger.mlp.0.weight", 128, 128);
            assertShape(tensors, "visual.merger.mlp.0.bias", 128);
            assertShape(tensors, "visual.merger.mlp.2.weight", 64, 128);
            assertShape(tensors, "visual.merger.mlp.2.bias", 64);
            assertShape(tensors, "model.embed_tokens.weight", 512, 64);
            assertShape(tensors, "model.layers.0.self_attn.q_proj.weight", 64, 64);
            assertShape(tensors, "model.layers.0.self_attn.q_proj.bias", 64);
            assertShape(tensors, "model.layers.3.self_attn.k_proj.weight", 32, 64);
            assertShape(tensors, "model.layers.3.self_attn.v_proj.bias", 32);
            assertShape(tensors, "model.layers.3.self_attn.o_proj.weight", 64, 64);
            assertFalse(tensors.containsKey("model.layers.3.self_attn.o_proj.bias"));
            assertShape(tensors, "model.layers.2.mlp.gate_proj.weight", 160, 64);
            assertShape(tensors, "model.layers.2.mlp.down_proj.weight", 64, 160);
            assertShape(tensors, "model.layers.1.input_layernorm.weight", 64);
            assertShape(tensors, "model.layers.1.post_attention_layernorm.weight", 64);
            assertShape(tensors, "model.norm.weight", 64);
            assertShape(tensors, "lm_head.weight", 512, 64);
            assertTrue(tensors.values().stream().allMatch(t -> t.dtype() == DType.F32));
        }
    }

    private static void assertShape(Map<String, TensorInfo> tensors, String name, long... shape) {
        assertTrue(tensors.containsKey(name), name + " is missing");
        assertArrayEquals(shape, tensors.get(name).shape(), name);
    }

    @Test
    void theJsonFilesReadBackAsThePresetAndMatchTheFixturesForm() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/qwen2_5_vl-reference/config.json").toURI()).getParent();
        for (QwenCheckpointPreset preset : QwenCheckpointPreset.values()) {
            Path dir = tmp.resolve(preset.name());
            QwenCheckpointGenerator.generate(dir, preset, 1);
            assertEquals(preset.vision(), QwenConfigReader.vision(dir));
            assertEquals(preset.language(), ConfigLoader.loadQwenLanguage(dir));
            QwenPreprocessorConfig processor = QwenConfigReader.preprocessor(dir);
            assertEquals(3136, processor.minPixels());
            assertEquals(preset.maxPixels(), processor.maxPixels());
            assertEquals(QwenPreprocessorConfig.DEFAULTS.mergeSize(), processor.mergeSize());
            assertArrayEquals(QwenPreprocessorConfig.DEFAULTS.imageMean(), processor.imageMean());
            assertArrayEquals(QwenPreprocessorConfig.DEFAULTS.imageStd(), processor.imageStd());

            // the same keys as the published files the fixture copies
            for (String file : List.of("config.json", "preprocessor_config.json", "generation_config.json",
                    "chat_template.json")) {
                assertEquals(keys(JSON.readTree(fixture.resolve(file).toFile())),
                        keys(JSON.readTree(dir.resolve(file).toFile())), file);
            }
            JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
            assertEquals(keys(JSON.readTree(fixture.resolve("config.json").toFile()).get("vision_config")),
                    keys(config.get("vision_config")));
            assertEquals("mrope", config.get("rope_scaling").get("type").asText());
            assertEquals(JSON.readTree(fixture.resolve("chat_template.json").toFile()),
                    JSON.readTree(dir.resolve("chat_template.json").toFile()));
            QwenTokenizerSpec tokens = preset.tokenizer();
            JsonNode generation = JSON.readTree(dir.resolve("generation_config.json").toFile());
            assertEquals(List.of(tokens.imEnd(), tokens.endOfText()),
                    JSON.convertValue(generation.get("eos_token_id"), List.class));
        }
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys.stream().sorted().toList();
    }

    @Test
    void theTinyCheckpointLoadsAndAnswersAboutAnImage() throws IOException {
        QwenCheckpointGenerator.generate(tmp, QwenCheckpointPreset.TINY, 5);
        QwenTokenizerSpec tokens = QwenCheckpointPreset.TINY.tokenizer();
        PromptFormat format = PromptFormat.forCheckpoint(tmp, "qwen2");
        String prompt = format.render(List.of(ChatMessage.user(1, "what colour is the big circle?")));
        assertTrue(prompt.startsWith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"), prompt);
        long[] ids;
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(tmp, "<|image_pad|>", tokens.imagePad())) {
            ids = tokenizer.encode(prompt, format.addSpecialTokens(prompt));
        }
        QwenImagePreprocessor images = new QwenImagePreprocessor(QwenConfigReader.preprocessor(tmp),
                ImageLimits.defaults());
        QwenImage first = images.preprocess(TestModels.png(1, 238, 250));
        QwenImage second = images.preprocess(TestModels.png(2, 300, 270));
        try (QwenVlModel model = QwenVlModel.load(tmp, EngineOptions.cpu())) {
            assertEquals(List.of(tokens.imEnd(), tokens.endOfText()), model.eosTokenIds());
            Generator generator = new Generator(DecoderSide.of(model), VisualEncoder.qwen(model));
            GenerationRequest one = request(ids, first);
            GenerationOutput out = generator.generate(List.of(one)).get(0);
            assertTrue(out.tokens().length > 0, "no answer");
            assertEquals(72, out.visualTokensInTotal());
            assertArrayEquals(out.tokens(), generator.generate(List.of(one)).get(0).tokens(), "greedy is repeatable");

            // the image reaches the answer: another picture moves the first logits
            float[] logitsOne = generator.promptLogits(List.of(one))[0];
            float[] logitsTwo = generator.promptLogits(List.of(request(ids, second)))[0];
            double moved = 0;
            double spread = 0;
            double mean = Arrays.stream(toDoubles(logitsOne)).average().orElseThrow();
            for (int i = 0; i < logitsOne.length; i++) {
                moved = Math.max(moved, Math.abs(logitsOne[i] - logitsTwo[i]));
                spread += (logitsOne[i] - mean) * (logitsOne[i] - mean);
            }
            assertTrue(moved > 1e-2, "a different image left the logits at " + moved);
            assertTrue(Math.sqrt(spread / logitsOne.length) > 0.1, "the logits are flat");
        }
    }

    private static GenerationRequest request(long[] ids, QwenImage image) {
        return GenerationRequest.scored(ids, List.of(image), SamplingParams.greedy(4), ScoredTokenReducer.NONE,
                SequencePruner.NONE);
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
