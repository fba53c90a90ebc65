package dev.vscan.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Top-p sampling finds the nucleus by selection; it must be the set a full sort gives. */
class TokenSamplerTest {

    /** The nucleus the slow way: sort the whole vocabulary, take the shortest prefix reaching top_p. */
    private static boolean[] sortedNucleus(float[] logits, double temperature, double topP) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] probs = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[i] - max) / temperature);
            sum += probs[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            probs[i] /= sum;
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -probs[i]).thenComparingInt(i -> i));
        boolean[] in = new boolean[n];
        double mass = 0;
        for (int k = 0; k < n && (k == 0 || mass < topP); k++) {
            in[order[k]] = true;
            mass += probs[order[k]];
        }
        return in;
    }

    @Test
    void theNucleusEqualsTheOneAFullSortGives() {
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int vocab = 1 + random.nextInt(trial < 100 ? 40 : 5000);
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                // Some trials with many equal logits, to exercise the tie order.
                logits[i] = trial % 3 == 0 ? random.nextInt(4) : (float) (random.nextGaussian() * 3);
            }
            double temperature = 0.3 + random.nextDouble() * 1.5;
            double topP = 0.05 + random.nextDouble() * 0.9;
            TokenSampler sampler = new TokenSampler(new SamplingParams(4, temperature, topP, trial));
            assertArrayEquals(sortedNucleus(logits, temperature, topP), sampler.nucleus(logits),
                    "trial " + trial + ": vocabulary " + vocab + ", top_p " + topP);
        }
    }

    @Test
    void drawsStayInTheNucleusAndFollowItsProbabilities() {
        float[] logits = {2f, 1f, 0f, 5f, 4.5f, -1f, 3f};
        TokenSampler sampler = new TokenSampler(new SamplingParams(4, 1.0, 0.8, 9));
        boolean[] nucleus = sampler.nucleus(logits);
        int[] counts = new int[logits.length];
        for (int i = 0; i < 20_000; i++) {
            counts[(int) sampler.next(logits)]++;
        }
        for (int t = 0; t < logits.length; t++) {
            assertEquals(nucleus[t], counts[t] > 0, "token " + t);
        }
        // Tokens 3 and 4 (logits 5 and 4.5) share the nucleus in the ratio e^0.5.
        double ratio = (double) counts[3] / counts[4];
        assertTrue(Math.abs(ratio - Math.exp(0.5)) < 0.08, "ratio " + ratio);
    }

    @Test
    void topPOfOneDrawsFromTheWholeVocabulary() {
        float[] logits = {0f, 0f, 0f, 0f};
        TokenSampler sampler = new TokenSampler(new SamplingParams(4, 1.0, 1.0, 1));
        boolean[] all = {true, true, true, true};
        assertArrayEquals(all, sampler.nucleus(logits));
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[(int) sampler.next(logits)]++;
        }
        for (int c : counts) {
            assertTrue(c > 800, Arrays.toString(counts));
        }
    }
}
