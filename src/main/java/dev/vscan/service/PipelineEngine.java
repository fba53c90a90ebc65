package dev.vscan.service;

import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import java.util.ArrayList;
import java.util.List;

/** The real engine: a model replica generating answers. */
final class PipelineEngine implements BatchEngine {

    private final LlavaPipeline pipeline;

    PipelineEngine(LlavaPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public List<Answer> run(List<GenerationRequest> requests) {
        List<Answer> answers = new ArrayList<>();
        for (GenerationOutput out : pipeline.generator().generate(requests)) {
            answers.add(new Answer(pipeline.tokenizer().decode(out.tokens()), out));
        }
        return answers;
    }

    @Override
    public LlavaConfig config() {
        return pipeline.model().config();
    }

    @Override
    public int visionLayersRun() {
        return pipeline.model().vision().layersRun();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
