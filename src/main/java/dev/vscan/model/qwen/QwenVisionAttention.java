package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vscan.model.nn.Attention;
import dev.vscan.model.nn.Linear;
import dev.vscan.model.nn.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Self-attention of one vision block: fused q|k|v projection, the 2-D RoPE on q and k, softmax
 * attention within each run of rows (a window, or a whole frame), output projection. Runs of equal
 * length are batched; long runs are cut into query chunks so that no more than a budget of
 * probabilities ({@link #CHUNK_BUDGET} by default) exist at once.
 */
final class QwenVisionAttention {

    /** Attention probabilities held at once (128 MiB of float32). */
    static final long CHUNK_BUDGET = 1L << 25;

    private final Linear qkv;
    private final Linear proj;
    private final int heads;
    private final long chunkBudget;

    QwenVisionAttention(Linear qkv, Linear proj, int heads, long chunkBudget) {
        this.qkv = qkv;
        this.proj = proj;
        this.heads = heads;
        this.chunkBudget = chunkBudget;
    }

    /**
     * @param x        [rows, hidden] in window order
     * @param rope     {cos, sin} tables of the rows
     * @param runs     the runs the rows attend within
     * @param received when non-null, receives [rows] float32: the attention each row gets as a key,
     *                 summed over heads and over the query rows of its run
     */
    NDArray apply(NDArray x, NDArray[] rope, SegmentGroups runs, NDArray[] received) {
        long rows = x.getShape().get(0);
        long hidden = x.getShape().get(1);
        NDArray fused = qkv.apply(x).reshape(rows, 3, heads, -1);
        NDArray q = VisionRope.apply(fused.get(new NDIndex(":, 0")), rope[0], rope[1]);
        NDArray k = VisionRope.apply(fused.get(new NDIndex(":, 1")), rope[0], rope[1]);
        NDArray v = fused.get(new NDIndex(":, 2"));
        List<NDArray> outputs = new ArrayList<>();
        List<NDArray> sums = new ArrayList<>();
        for (SegmentGroups.Group g : runs.groups()) {
            NDArray index = runs.inOrder() ? null : x.getManager().create(g.rows());
            NDArray[] result = attendGroup(byRun(q, index, g), byRun(k, index, g), byRun(v, index, g),
                    received != null, chunkBudget);
            outputs.add(result[0].transpose(0, 2, 1, 3).reshape(-1, hidden));
            if (received != null) {
                sums.add(result[1].reshape(-1));
            }
        }
        NDArray context = restore(outputs, runs, x.getManager());
        if (received != null) {
            received[0] = restore(sums, runs, x.getManager());
        }
        return proj.apply(context);
    }

    /** [count, heads, length, headDim] of one group of runs. */
    private static NDArray byRun(NDArray t, NDArray index, SegmentGroups.Group g) {
        NDArray rows = index == null ? t : t.get(index);
        return rows.reshape(g.count(), g.length(), t.getShape().get(1), -1).transpose(0, 2, 1, 3);
    }

    /** {context [count, heads, length, d], received [count, length] or null}, chunk by chunk of query rows. */
    private static NDArray[] attendGroup(NDArray q, NDArray k, NDArray v, boolean score, long budget) {
        long count = q.getShape().get(0), heads = q.getShape().get(1), length = q.getShape().get(2);
        long chunk = Math.max(1, budget / (count * heads * length));
        NDManager outer = q.getManager();
        List<NDArray> parts = new ArrayList<>();
        NDArray received = null;
        for (long from = 0; from < length; from += chunk) {
            long to = Math.min(length, from + chunk);
            // Each chunk's probabilities are freed before the next chunk's are formed.
            try (NDManager scope = outer.newSubManager()) {
                q.tempAttach(scope);
                k.tempAttach(scope);
                v.tempAttach(scope);
                NDArray qc = from == 0 && to == length ? q : q.get(new NDIndex(":, :, {}:{}", from, to));
                NDArray probs = Attention.probabilities(qc, k, null);
                NDArray part = probs.matMul(v);
                part.attach(outer);
                parts.add(part);
                if (score) {
                    NDArray columns = Precision.toFloat32(probs).sum(new int[] {1, 2});
                    received = received == null ? columns : received.add(columns);
                    received.attach(outer);
                }
            }
        }
        NDArray context = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 2);
        return new NDArray[] {context, received};
    }

    private static NDArray restore(List<NDArray> grouped, SegmentGroups runs, NDManager manager) {
        NDArray all = grouped.size() == 1 ? grouped.get(0) : NDArrays.concat(new NDList(grouped), 0);
        return runs.inOrder() ? all : all.get(manager.create(runs.restore()));
    }
}
