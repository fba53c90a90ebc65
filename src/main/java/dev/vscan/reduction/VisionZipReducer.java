package dev.vscan.reduction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualTokenReducer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * VisionZip, the stage-1 baseline: keeps the patches the [CLS] token attends to most ("dominant")
 * and folds the rest into a few "contextual" tokens, all before the projector.
 *
 * <p>Dominant: the top patches by [CLS] attention in the deepest vision layer that runs (the
 * feature layer, -2 on LLaVA). VisionZip sums the heads; the engine gives the head mean, which ranks
 * the same. VisionZip also keeps the [CLS] token itself, but the tower's "default" strategy drops it,
 * so its slot goes to one more dominant patch and the total stays the budget.
 *
 * <p>Contextual: among the remaining patches in raster order, C targets at a uniform stride; every
 * other remaining patch joins the target with the highest cosine similarity, and each target becomes
 * target + mean(its members) (unchanged when it has none). VisionZip measures similarity on layer -2
 * keys; the engine exposes only the feature-layer hidden states, so those are compared instead.
 *
 * <p>The output is the kept patches in ascending raster order, projected after merging.
 */
public final class VisionZipReducer implements VisualTokenReducer {

    private final int dominant;
    private final int contextual;

    /**
     * @param dominant   patches kept by [CLS] attention (at least 1)
     * @param contextual merged tokens made from the rest (0 for none)
     */
    public VisionZipReducer(int dominant, int contextual) {
        if (dominant < 1) {
            throw new IllegalArgumentException("VisionZip needs at least 1 dominant token, got " + dominant);
        }
        if (contextual < 0) {
            throw new IllegalArgumentException("VisionZip contextual tokens " + contextual + " must be 0 or more");
        }
        this.dominant = dominant;
        this.contextual = contextual;
    }

    /**
     * Splits {@code tokens} as VisionZip does on LLaVA-1.5 (54+10, 108+20, 162+30): 5/32 of the
     * budget, rounded, is contextual; the rest (about 84%) dominant.
     */
    public static VisionZipReducer forBudget(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("VisionZip budget " + tokens + " must be at least 1 token");
        }
        int contextual = (int) Math.round(tokens * 5 / 32.0);
        return new VisionZipReducer(tokens - contextual, contextual);
    }

    public int dominant() {
        return dominant;
    }

    public int contextual() {
        return contextual;
    }

    @Override
    public Set<Integer> attentionLayers(int visionLayersRun) {
        return Set.of(visionLayersRun - 1);
    }

    @Override
    public ReducedImage reduce(ImageFeatures image, UnaryOperator<NDArray> projector) {
        NDArray features = image.features();
        int n = image.patches();
        if (features.getShape().get(0) != n) {
            throw new IllegalArgumentException("VisionZip expects " + n + " patch features (the \"default\" strategy, "
                    + "without [CLS]) but got " + features.getShape());
        }
        if (dominant + contextual >= n) {
            return VisualTokenReducer.NONE.reduce(image, projector);
        }
        int[] dominantIdx = topByAttention(deepestAttention(image, n), dominant);
        int[] rest = complement(dominantIdx, n);
        int c = Math.min(contextual, rest.length);
        int step = c == 0 ? 1 : Math.max(1, rest.length / c);
        List<Integer> targetIdx = new ArrayList<>();
        List<Integer> memberIdx = new ArrayList<>();
        for (int p = 0; p < rest.length; p++) {
            boolean target = p % step == 0 && targetIdx.size() < c;
            (target ? targetIdx : memberIdx).add(rest[p]);
        }

        NDManager manager = features.getManager();
        NDArray x = features.toType(DataType.FLOAT32, false);
        NDList rows = new NDList(rows(x, Arrays.stream(dominantIdx).asLongStream().toArray()));
        if (c > 0) {
            rows.add(mergedTargets(x, toArray(targetIdx), toArray(memberIdx), manager));
        }
        int[] kept = IntStream.concat(Arrays.stream(dominantIdx), targetIdx.stream().mapToInt(Integer::intValue)).toArray();
        // rows are dominant then targets; reorder both them and the indices by patch index
        Integer[] order = IntStream.range(0, kept.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> kept[i]));
        long[] permutation = Arrays.stream(order).mapToLong(Integer::longValue).toArray();
        int[] sortedKept = Arrays.stream(order).mapToInt(i -> kept[i]).toArray();
        NDArray selected = NDArrays.concat(rows, 0).get(manager.create(permutation));
        NDArray inModelType = selected.toType(features.getDataType(), false);
        return new ReducedImage(projector.apply(inModelType), sortedKept);
    }

    /** The [CLS] row of the deepest layer present: the one {@link #attentionLayers} asked for. */
    private static float[] deepestAttention(ImageFeatures image, int n) {
        Map<Integer, NDArray> attention = image.clsAttention();
        if (attention.isEmpty()) {
            throw new IllegalStateException("VisionZip needs the [CLS] attention of the last vision layer that runs, "
                    + "but the image came without any attention rows");
        }
        int layer = Collections.max(attention.keySet());
        float[] scores = attention.get(layer).toType(DataType.FLOAT32, false).toFloatArray();
        if (scores.length != n) {
            throw new IllegalArgumentException("[CLS] attention of vision layer " + layer + " has " + scores.length
                    + " entries for " + n + " patches");
        }
        return scores;
    }

    /** Indices of the {@code count} highest scores (ties to the lower index), ascending. */
    static int[] topByAttention(float[] scores, int count) {
        return IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static int[] complement(int[] sortedIdx, int n) {
        boolean[] taken = new boolean[n];
        for (int i : sortedIdx) {
            taken[i] = true;
        }
        return IntStream.range(0, n).filter(i -> !taken[i]).toArray();
    }

    /** Each target plus the mean of the members most cosine-similar to it. */
    private static NDArray mergedTargets(NDArray x, long[] targetIdx, long[] memberIdx, NDManager manager) {
        NDArray targets = rows(x, targetIdx);
        if (memberIdx.length == 0) {
            return targets;
        }
        NDArray members = rows(x, memberIdx);
        long[] assigned = unit(members).matMul(unit(targets).transpose()).argMax(1).toLongArray();
        int c = targetIdx.length;
        int u = memberIdx.length;
        int[] counts = new int[c];
        for (long a : assigned) {
            counts[(int) a]++;
        }
        float[] weights = new float[c * u];
        for (int j = 0; j < u; j++) {
            int t = (int) assigned[j];
            weights[t * u + j] = 1f / counts[t];
        }
        NDArray means = manager.create(weights, new Shape(c, u)).matMul(members);
        return targets.add(means);
    }

    private static NDArray unit(NDArray rows) {
        return rows.div(rows.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
    }

    private static NDArray rows(NDArray x, long[] indices) {
        return x.get(x.getManager().create(indices));
    }

    private static long[] toArray(List<Integer> values) {
        return values.stream().mapToLong(Integer::longValue).toArray();
    }
}
