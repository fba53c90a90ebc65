package dev.vscan.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.LlavaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers a fixed list of requests: admits them all to a {@link RunningBatch} at once and decodes
 * until the last one finishes (each leaves the batch the step it finishes). The serving workers drive
 * a running batch themselves to admit requests between steps; this is for the command line,
 * evaluation and tests.
 */
public final class Generator {

    private final DecoderSide model;
    private final VisualEncoder encoder;
    private final PromptPrefill prefill;

    /** Generation with LLaVA-1.5. */
    public Generator(LlavaModel model) {
        this(model, VisualEncoder.llava(model));
    }

    /** Generation on {@code model}'s decoder with images encoded by {@code encoder} (e.g. LLaVA-NeXT's). */
    public Generator(LlavaModel model, VisualEncoder encoder) {
        this(DecoderSide.of(model), encoder);
    }

    /** Generation on any family's decoder side and visual side. */
    public Generator(DecoderSide model, VisualEncoder encoder) {
        this.model = model;
        this.encoder = encoder;
        this.prefill = new PromptPrefill(model, encoder);
    }

    public List<GenerationOutput> generate(List<GenerationRequest> requests) {
        return generate(requests, TokenListener.NONE);
    }

    public List<GenerationOutput> generate(List<GenerationRequest> requests, TokenListener listener) {
        if (requests.isEmpty()) {
            return List.of();
        }
        GenerationOutput[] outputs = new GenerationOutput[requests.size()];
        List<RunningBatch.Admission> admissions = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            int index = r;
            admissions.add(new RunningBatch.Admission(requests.get(r), new SequenceListener() {
                @Override
                public void onToken(long token) {
                    listener.onToken(index, token);
                }

                @Override
                public void onFinished(GenerationOutput output) {
                    outputs[index] = output;
                }
            }));
        }
        try (RunningBatch batch = new RunningBatch(model, encoder)) {
            batch.admit(admissions);
            while (!batch.isEmpty()) {
                batch.step();
            }
        }
        return Arrays.asList(outputs);
    }

    /**
     * Runs only the prompt (vision, reduction, prefill) and returns the float32 logits at each
     * request's last prompt position: what the first generated token is chosen from.
     */
    public float[][] promptLogits(List<GenerationRequest> requests) {
        try (NDManager batch = model.manager().newSubManager()) {
            NDArray logits = prefill.run(batch, requests, batch, new int[requests.size()]).logits();
            int n = (int) logits.getShape().get(0);
            int vocab = (int) logits.getShape().get(1);
            float[] flat = logits.toFloatArray();
            float[][] out = new float[n][vocab];
            for (int b = 0; b < n; b++) {
                System.arraycopy(flat, b * vocab, out[b], 0, vocab);
            }
            return out;
        }
    }
}
