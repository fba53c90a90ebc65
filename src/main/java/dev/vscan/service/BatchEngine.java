package dev.vscan.service;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import java.util.List;

/** Runs one batch of engine requests; each worker owns one. */
interface BatchEngine extends AutoCloseable {

    /** An answer's text and everything measured while producing it. */
    record Answer(String text, GenerationOutput output) {}

    List<Answer> run(List<GenerationRequest> requests);

    LlavaConfig config();

    /** Vision layers that run, for the FLOPs accounting. */
    int visionLayersRun();

    @Override
    void close();
}
