package dev.vscan.reduction;

import java.util.Arrays;
import java.util.Comparator;

/** Orders patches by descending score, lower patch index first on ties (a stable descending sort). */
final class PatchRanking {

    private PatchRanking() {}

    static Integer[] rank(int[] patches, float[] scores) {
        Integer[] order = Arrays.stream(patches).boxed().toArray(Integer[]::new);
        Arrays.sort(order, byScore(scores));
        return order;
    }

    static Comparator<Integer> byScore(float[] scores) {
        return (a, b) -> {
            int c = Float.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        };
    }

    static void checkScores(String name, float[] scores, int patches) {
        if (scores == null || scores.length != patches) {
            throw new IllegalArgumentException(name + " scores have " + (scores == null ? "no" : scores.length)
                    + " entries but the patch grid has " + patches);
        }
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalArgumentException(name + " score of patch " + i + " is NaN");
            }
        }
    }
}
