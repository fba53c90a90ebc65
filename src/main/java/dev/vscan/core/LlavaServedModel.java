package dev.vscan.core;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ModelImage;
import dev.vscan.reduction.EfficiencyReport;
import java.awt.image.BufferedImage;
import java.util.List;

/** LLaVA-1.5 or LLaVA-NeXT behind the workers. */
final class LlavaServedModel implements ServedModel {

    private final LlavaPipeline pipeline;

    LlavaServedModel(LlavaPipeline pipeline) {
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
        LlavaConfig config = pipeline.model().config();
        return EfficiencyReport.of(output, config.text(), config.vision(), pipeline.model().vision().layersRun());
    }

    @Override
    public TextConfig text() {
        return pipeline.model().config().text();
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
        int size = pipeline.model().config().vision().imageSize();
        ModelImage blank = pipeline.images().prepare(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB));
        pipeline.generator().generate(List.of(pipeline.requestForPixels("warm up", List.of(blank),
                SamplingParams.greedy(1), VisualTokenReducer.NONE, SequencePruner.NONE)));
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
