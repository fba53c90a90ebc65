package dev.vscan.model.generation;

import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits; one instance per sequence (it keeps its
 * random generator and scratch arrays).
 *
 * <p>Top-p: the nucleus is the smallest set of most probable tokens (ties: lower id first) whose
 * probability reaches {@code top_p}. It is found by selection, not by sorting the vocabulary, in
 * expected linear time; the draw then walks the nucleus in token-id order.
 */
final class TokenSampler {

    /** Below this many candidates the selection finishes by insertion sort. */
    private static final int SMALL = 32;

    private final SamplingParams params;
    private final SplittableRandom random;
    private double[] probs = new double[0];
    private int[] order = new int[0];

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

    /** Which tokens the nucleus of these logits holds; what {@link #next} draws from when sampling. */
    boolean[] nucleus(float[] logits) {
        int last = prepare(logits);
        boolean[] in = new boolean[logits.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = inNucleus(i, last);
        }
        return in;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        int last = prepare(logits);
        double mass = 0;
        for (int i = 0; i < n; i++) {
            if (inNucleus(i, last)) {
                mass += probs[i];
            }
        }
        double u = random.nextDouble() * mass;
        double cumulative = 0;
        int chosen = -1;
        for (int i = 0; i < n; i++) {
            if (inNucleus(i, last)) {
                chosen = i;
                cumulative += probs[i];
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return chosen;
    }

    /**
     * Fills the probabilities at this temperature.
     *
     * @return the nucleus boundary, or -1 when the nucleus is the whole vocabulary
     */
    private int prepare(float[] logits) {
        int n = logits.length;
        if (probs.length != n) {
            probs = new double[n];
            order = new int[n];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[i] - max) / params.temperature());
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) {
            probs[i] /= sum;
        }
        return params.topP() >= 1 ? -1 : nucleusBoundary(n);
    }

    /** The least probable token of the nucleus; every token ordered before it belongs too. */
    private int nucleusBoundary(int n) {
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int lo = 0;
        int hi = n;
        double massBefore = 0; // mass of order[0, lo): all in the nucleus, all before order[lo, hi)
        while (hi - lo > SMALL) {
            int pivot = partition(lo, hi, medianOfThree(order[lo], order[(lo + hi) >>> 1], order[hi - 1]));
            double left = 0;
            for (int i = lo; i < pivot; i++) {
                left += probs[order[i]];
            }
            if (massBefore + left >= params.topP()) {
                hi = pivot;
            } else {
                massBefore += left + probs[order[pivot]];
                if (massBefore >= params.topP()) {
                    return order[pivot];
                }
                lo = pivot + 1;
            }
        }
        for (int i = lo + 1; i < hi; i++) {
            int v = order[i];
            int j = i - 1;
            while (j >= lo && before(v, order[j])) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
        for (int i = lo; i < hi; i++) {
            massBefore += probs[order[i]];
            if (massBefore >= params.topP()) {
                return order[i];
            }
        }
        // Rounding kept the total just below top_p: the whole range belongs.
        return order[Math.max(lo, hi - 1)];
    }

    /**
     * Reorders order[lo, hi) into the tokens before {@code pivot}, the pivot, and those after it.
     *
     * @return the pivot's new index
     */
    private int partition(int lo, int hi, int pivot) {
        int store = lo;
        for (int i = lo; i < hi; i++) {
            if (before(order[i], pivot)) {
                swap(i, store++);
            }
        }
        int at = store;
        for (int i = store; i < hi; i++) {
            if (order[i] == pivot) {
                swap(i, at);
                break;
            }
        }
        return at;
    }

    private int medianOfThree(int a, int b, int c) {
        if (before(a, b)) {
            return before(b, c) ? b : before(a, c) ? c : a;
        }
        return before(a, c) ? a : before(b, c) ? c : b;
    }

    /** Sampling order: more probable first, then lower id. */
    private boolean before(int a, int b) {
        return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
    }

    private boolean inNucleus(int token, int last) {
        return last < 0 || token == last || before(token, last);
    }

    private void swap(int i, int j) {
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}
