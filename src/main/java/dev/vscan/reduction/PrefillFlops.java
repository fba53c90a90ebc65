package dev.vscan.reduction;

/**
 * Prefill FLOPs in the convention of the token-reduction papers (FastV, PyramidDrop, SparseVLM, VScan):
 * one multiply-add of a matrix product counts as one FLOP, and norms, softmax, activations and
 * embeddings are left out.
 *
 * <p>A decoder layer with n tokens, width d and a SwiGLU FFN of width m (three matrices) costs
 * 4nd^2 (q, k, v, o) + 2n^2d (scores and weighted sum) + 3ndm. A CLIP encoder layer has a
 * two-matrix MLP (fc1, fc2), so it costs 4nd^2 + 2n^2d + 2ndm; the patch embedding is left out.
 * Products are in {@code long} with overflow checks: a 7B prefill is about 1e12 to 1e13.
 */
public final class PrefillFlops {

    private PrefillFlops() {}

    /** One Llama decoder layer over {@code n} tokens. */
    public static long decoderLayer(long n, long d, long m) {
        return attentionPart(n, d) + Math.multiplyExact(Math.multiplyExact(3 * n, d), m);
    }

    /** One CLIP encoder layer over {@code n} tokens ([CLS] included when it runs). */
    public static long visionLayer(long n, long d, long m) {
        return attentionPart(n, d) + Math.multiplyExact(Math.multiplyExact(2 * n, d), m);
    }

    /** The language model's prefill, from the tokens each decoder layer processed. */
    public static long llm(int[] tokensPerLayer, int d, int m) {
        long total = 0;
        for (int n : tokensPerLayer) {
            total = Math.addExact(total, decoderLayer(n, d, m));
        }
        return total;
    }

    /** The vision tower over one image: {@code layersRun} layers of {@code tokens} each. */
    public static long vision(int tokens, int layersRun, int d, int m) {
        return Math.multiplyExact(layersRun, visionLayer(tokens, d, m));
    }

    private static long attentionPart(long n, long d) {
        long projections = Math.multiplyExact(Math.multiplyExact(4 * n, d), d);
        long scores = Math.multiplyExact(Math.multiplyExact(2 * n, n), d);
        return Math.addExact(projections, scores);
    }
}
