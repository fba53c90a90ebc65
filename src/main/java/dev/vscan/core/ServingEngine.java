package dev.vscan.core;

import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.reduction.EfficiencyReport;
import java.util.List;

/** One worker's running batch on a model: admits requests between steps, steps, cancels. */
interface ServingEngine extends AutoCloseable {

    /**
     * Starts the requests; each one's listener hears its tokens and, once, its end (possibly before
     * this returns).
     *
     * @return per request, what cancels it while it runs
     * @throws IllegalArgumentException when a request does not fit the model; nothing is admitted then
     */
    List<Runnable> admit(List<Admission> admissions);

    /** One decode step over everything running. */
    void step();

    /** Sequences running. */
    int size();

    /** Their KV cache in tokens. */
    long kvTokens();

    String decode(long[] tokens);

    /** Tokens, FLOPs and times of an answer, each family counting its own vision cost. */
    EfficiencyReport report(GenerationRequest request, GenerationOutput output);

    @Override
    void close();
}
