package dev.vscan.core;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.QwenImage;
import dev.vscan.reduction.EfficiencyReport;
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
        return EfficiencyReport.of(output, text(), pipeline.model().visionConfig(), request.images());
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
