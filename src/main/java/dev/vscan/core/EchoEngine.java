package dev.vscan.core;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.FinishReason;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.PhaseTimings;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.reduction.EfficiencyReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers without running the model: an empty answer whose token accounting is that of a
 * request with every visual token kept. With it, a benchmark sees only what the service itself
 * costs per request (Kafka, parsing, images, batching); results say so through their empty answer.
 */
final class EchoEngine implements ServingEngine {

    private final LlavaConfig config;

    EchoEngine(LlavaConfig config) {
        this.config = config;
    }

    /** Every request finishes at admission, with no token generated. */
    @Override
    public List<Runnable> admit(List<Admission> admissions) {
        int patches = config.vision().numPatches();
        int layers = config.text().numHiddenLayers();
        List<Runnable> cancels = new ArrayList<>();
        for (Admission a : admissions) {
            GenerationRequest r = a.request();
            int images = r.images().size();
            int text = r.promptIds().length - images;
            int[] perImage = new int[images];
            Arrays.fill(perImage, patches);
            int[] tokensPerLayer = new int[layers];
            Arrays.fill(tokensPerLayer, text + patches * images);
            int[] visualPerLayer = new int[layers];
            Arrays.fill(visualPerLayer, patches * images);
            List<int[]> kept = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                kept.add(new int[0]);
            }
            a.listener().onFinished(new GenerationOutput(new long[0], FinishReason.LENGTH, text, perImage,
                    perImage.clone(), tokensPerLayer, visualPerLayer, kept, new PhaseTimings(0, 0, 0, 0),
                    admissions.size(), 0, ones(images), new int[images], List.of()));
            cancels.add(() -> { });
        }
        return cancels;
    }

    private static int[] ones(int n) {
        int[] out = new int[n];
        Arrays.fill(out, 1);
        return out;
    }

    @Override
    public void step() {}

    @Override
    public int size() {
        return 0;
    }

    @Override
    public long kvTokens() {
        return 0;
    }

    @Override
    public String decode(long[] tokens) {
        return "";
    }

    @Override
    public EfficiencyReport report(GenerationRequest request, GenerationOutput output) {
        return EfficiencyReport.of(output, config.text(), config.vision(), config.visionLayersToRun());
    }

    @Override
    public void close() {}
}
