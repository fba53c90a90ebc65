package dev.vscan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.QwenVlModel;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.InvalidImageException;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.reduction.ReductionConfig;
import dev.vscan.core.OptionsTranslator;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import dev.vscan.reduction.ReductionMethod;
import dev.vscan.reduction.ReductionPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code generate --model DIR --image FILE... --prompt TEXT [...]}: answers one question. */
final class GenerateCommand {

    private static final Set<String> VALUED = Arguments.union(WireOptions.NAMES, Set.of("model", "image", "prompt", "device",
            "local-layer", "deep-layer", "windows", "repetition-penalty"));

    private GenerateCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, VALUED, Set.of("json", "ignore-eos"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        Path modelDir = Path.of(a.required("model"));
        String prompt = a.required("prompt");
        List<String> imageFiles = a.all("image");
        List<byte[]> images = readImages(imageFiles);
        // the checkpoint's generation_config.json sets the default penalty (Qwen2.5-VL-Instruct: 1.05)
        double penalty = a.decimal("repetition-penalty",
                ConfigLoader.loadGeneration(modelDir).repetitionPenaltyOrNone());
        OptionsTranslator translator = new OptionsTranslator(32, SamplingParams.MAX_NEW_TOKENS_LIMIT, penalty);
        RequestOptions wire = WireOptions.from(a);
        SamplingParams sampling = translator.sampling(wire);
        if (a.flag("ignore-eos")) {
            sampling = sampling.ignoringEos();
        }
        EngineOptions options = EngineOptions.parse(a.string("device", "cpu"));
        ReductionConfig reduction = reduction(a, wire);
        if (!Files.isDirectory(modelDir)) {
            throw new UsageException("model directory " + modelDir + " does not exist");
        }
        if (QwenConfigReader.MODEL_TYPE.equals(ConfigLoader.modelType(modelDir))) {
            return runQwen(modelDir, options, imageFiles, images, prompt, sampling, reduction, a.flag("json"), out);
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(modelDir, options, ImageLimits.defaults())) {
            List<ModelImage> pixels = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                pixels.add(preprocess(pipeline, imageFiles.get(i), images.get(i)));
            }
            ReductionPlan plan = pipeline.anyRes()
                    ? ReductionPlan.ofAnyRes(reduction, ConfigLoader.loadNext(modelDir),
                            AnyResImage.imageTokens(pixels, pipeline.model().config().vision().gridSize()))
                    : ReductionPlan.of(reduction, pipeline.model().config(), pixels.size());
            GenerationRequest request = pipeline.requestForPixels(prompt, pixels, sampling, plan.reducer(),
                    plan.pruner(), plan.positions());
            LlavaPipeline.Answer answer = pipeline.answer(List.of(request), TokenListener.NONE).get(0);
            if (a.flag("json")) {
                LlavaConfig config = pipeline.model().config();
                EfficiencyReport report = EfficiencyReport.of(answer.output(), config.text(), config.vision(),
                        pipeline.model().vision().layersRun());
                out.println(json(answer, reduction, report));
            } else {
                out.println(answer.text());
            }
        }
        return Main.OK;
    }

    /**
     * Qwen2.5-VL: {@code --r1} tokens per image after stage 1, {@code --r2} visual tokens over the prompt
     * after stage 2; kept tokens keep their M-RoPE ids whatever {@code --positions} says.
     */
    private static int runQwen(Path modelDir, EngineOptions options, List<String> imageFiles, List<byte[]> images,
            String prompt, SamplingParams sampling, ReductionConfig reduction, boolean json, PrintStream out) {
        try (QwenPipeline pipeline = QwenPipeline.load(modelDir, options, ImageLimits.defaults())) {
            List<QwenImage> pixels = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                try {
                    pixels.add(pipeline.images().preprocess(images.get(i)));
                } catch (InvalidImageException e) {
                    throw new InvalidImageException(e.reason(), "image file " + imageFiles.get(i) + ": "
                            + e.getMessage(), e);
                }
            }
            QwenVlModel model = pipeline.model();
            int[] tokens = pixels.stream().mapToInt(QwenImage::tokens).toArray();
            ReductionPlan plan = ReductionPlan.ofQwen(reduction, model.visionConfig(),
                    model.languageConfig().text().numHiddenLayers(), tokens);
            GenerationRequest request = pipeline.request(prompt, pixels, sampling, plan.scoredReducer(), plan.pruner());
            LlavaPipeline.Answer answer = pipeline.answer(List.of(request), TokenListener.NONE).get(0);
            if (json) {
                EfficiencyReport report = EfficiencyReport.of(answer.output(), model.languageConfig().text(),
                        model.visionConfig(), pixels);
                out.println(json(answer, reduction, report));
            } else {
                out.println(answer.text());
            }
        }
        return Main.OK;
    }

    /** The request's reduction, then the scan overrides only the command line offers. */
    private static ReductionConfig reduction(Arguments a, RequestOptions wire) {
        ReductionConfig config = OptionsTranslator.reduction(wire);
        Integer localLayer = WireOptions.optionalInt(a, "local-layer");
        Integer deepLayer = WireOptions.optionalInt(a, "deep-layer");
        Integer windows = WireOptions.optionalInt(a, "windows");
        if (localLayer != null || deepLayer != null || windows != null) {
            config = config.withScan(localLayer, deepLayer, windows);
        }
        return config;
    }

    /** The decoder's message says what is wrong with an image; only the caller knows which file it was. */
    private static ModelImage preprocess(LlavaPipeline pipeline, String file, byte[] image) {
        try {
            return pipeline.images().prepare(image);
        } catch (InvalidImageException e) {
            throw new InvalidImageException(e.reason(), "image file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<byte[]> readImages(List<String> files) {
        if (files.isEmpty()) {
            throw new UsageException("at least one --image FILE is required");
        }
        List<byte[]> images = new ArrayList<>();
        for (String f : files) {
            try {
                images.add(Files.readAllBytes(Path.of(f)));
            } catch (NoSuchFileException e) {
                throw new UsageException("image file " + f + " does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read image file " + f + ": " + e.getMessage(), e);
            }
        }
        return images;
    }

    static String json(LlavaPipeline.Answer answer, ReductionConfig reduction, EfficiencyReport report) {
        GenerationOutput o = answer.output();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("answer", answer.text());
        m.put("finish_reason", o.finishReason().name().toLowerCase());
        m.put("prompt_tokens", o.promptTokens());
        m.put("text_tokens", o.textTokens());
        m.put("visual_tokens", o.visualTokensAfterStage1());
        m.put("generated_tokens", o.tokens().length);
        m.put("vision_ms", round(o.timings().visionMillis()));
        m.put("prefill_ms", round(o.timings().prefillMillis()));
        m.put("decode_ms", round(o.timings().decodeMillis()));
        m.put("token_ids", o.tokens());
        m.put("reduction", reduction.method().wireName());
        m.put("positions", reduction.positionsOrDefault().wireName());
        m.put("efficiency", report.toJson());
        try {
            return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
