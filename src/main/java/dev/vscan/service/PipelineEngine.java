package dev.vscan.service;

import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.model.generation.RunningSequence;
import java.util.ArrayList;
import java.util.List;

/** The real engine: a running batch on a model that other workers on the same device may share. */
final class PipelineEngine implements ServingEngine {

    private final LlavaPipeline pipeline;
    private final RunningBatch batch;

    PipelineEngine(LlavaPipeline pipeline) {
        this.pipeline = pipeline;
        this.batch = pipeline.newRunningBatch();
    }

    @Override
    public List<Runnable> admit(List<Admission> admissions) {
        List<Runnable> cancels = new ArrayList<>();
        for (RunningSequence s : batch.admit(admissions)) {
            cancels.add(() -> batch.cancel(s));
        }
        return cancels;
    }

    @Override
    public void step() {
        batch.step();
    }

    @Override
    public int size() {
        return batch.size();
    }

    @Override
    public long kvTokens() {
        return batch.cachedTokens();
    }

    @Override
    public String decode(long[] tokens) {
        return pipeline.tokenizer().decode(tokens);
    }

    @Override
    public LlavaConfig config() {
        return pipeline.model().config();
    }

    @Override
    public int visionLayersRun() {
        return pipeline.model().vision().layersRun();
    }

    /** Cancels what still runs; the model itself belongs to the repository that shares it. */
    @Override
    public void close() {
        batch.close();
    }
}
