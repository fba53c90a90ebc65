package dev.vscan.core;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.reduction.EfficiencyReport;

/**
 * A loaded model of any family, as the workers use it: running batches on its weights, its tokenizer's
 * decoding, the efficiency report of an answer (each family counts its own vision cost) and what the
 * KV budget is sized from.
 */
interface ServedModel extends AutoCloseable {

    RunningBatch newRunningBatch();

    String decode(long[] tokens);

    EfficiencyReport report(GenerationRequest request, GenerationOutput output);

    TextConfig text();

    EngineOptions options();

    long weightBytes();

    /** One forward on a blank image, so the first request is not slow. */
    void warmUp();

    @Override
    void close();
}
