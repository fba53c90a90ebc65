package dev.vscan.service;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.QwenImage;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.reduction.PrefillFlops;
import java.awt.image.BufferedImage;
import java.util.List;

/** Qwen2.5-VL behind the workers. */
final class QwenServedModel implements ServedModel {

    private final QwenPipeline pipeline;

    QwenServedModel(QwenPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public RunningBatch newRunningBatch() {
        return pipeline.newRunningBatch();
    }

    @Override
    public String decode(long[] tokens) {
        return pipeline.tokenizer().decode(tokens);
    }

    @Override
    public EfficiencyReport report(GenerationRequest request, GenerationOutput output) {
        long visionFlops = 0;
        long windowed = 0;
        for (ModelImage image : request.images()) {
            QwenImage qwen = (QwenImage) image;
            int[][] runs = pipeline.attentionRuns(qwen);
            visionFlops += PrefillFlops.qwenVision(pipeline.model().visionConfig(), qwen.patches(), runs[0], runs[1]);
            windowed += PrefillFlops.qwenVisionWindowed(pipeline.model().visionConfig(), qwen.patches(), runs[0]);
        }
        return EfficiencyReport.of(output, text(), visionFlops, windowed);
    }

    @Override
    public TextConfig text() {
        return pipeline.model().languageConfig().text();
    }

    @Override
    public EngineOptions options() {
        return pipeline.model().options();
    }

    @Override
    public long weightBytes() {
        return pipeline.model().weightBytes();
    }

    @Override
    public void warmUp() {
        int side = 2 * 28;
        QwenImage blank = pipeline.images().preprocess(new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB));
        pipeline.generator().generate(List.of(pipeline.request("warm up", List.of(blank), SamplingParams.greedy(1),
                ScoredTokenReducer.NONE, SequencePruner.NONE)));
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
