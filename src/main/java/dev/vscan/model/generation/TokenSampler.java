package dev.vscan.model.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token of one sequence from its logits; one instance per sequence. */
final class TokenSampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    TokenSampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    long next(float[] logits) {
        return params.isGreedy() ? argmax(logits) : sample(logits);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] probs = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[i] - max) / params.temperature());
            sum += probs[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            probs[i] /= sum;
        }
        // Most probable first; ties by token id so the draw does not depend on sort stability.
        Arrays.sort(order, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
        int keep = 0;
        double mass = 0;
        while (keep < n && (keep == 0 || mass < params.topP())) {
            mass += probs[order[keep]];
            keep++;
        }
        double u = random.nextDouble() * mass;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[order[i]];
            if (u < cumulative) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
