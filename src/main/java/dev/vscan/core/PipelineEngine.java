package dev.vscan.core;

import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.model.generation.RunningSequence;
import dev.vscan.reduction.EfficiencyReport;
import java.util.ArrayList;
import java.util.List;

/** The real engine: a running batch on a model that other workers on the same device may share. */
final class PipelineEngine implements ServingEngine {

    private final ServedModel model;
    private final RunningBatch batch;

    PipelineEngine(ServedModel model) {
        this.model = model;
        this.batch = model.newRunningBatch();
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
        return model.decode(tokens);
    }

    @Override
    public EfficiencyReport report(GenerationRequest request, GenerationOutput output) {
        return model.report(request, output);
    }

    /** Cancels what still runs; the model itself belongs to the repository that shares it. */
    @Override
    public void close() {
        batch.close();
    }
}
