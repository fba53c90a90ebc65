package dev.vscan.model.qwen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Contiguous runs of rows that attend only among themselves (windows, or whole frames), grouped by
 * length so that each group runs as one batched attention instead of one call per run, and no
 * block-diagonal mask over all images is ever formed.
 */
final class SegmentGroups {

    /** {@code count} runs of {@code length} rows, starting at {@code starts}. */
    record Group(int length, int[] starts) {

        int count() {
            return starts.length;
        }

        /** The rows of the runs, run after run. */
        long[] rows() {
            long[] rows = new long[starts.length * length];
            for (int s = 0; s < starts.length; s++) {
                for (int i = 0; i < length; i++) {
                    rows[s * length + i] = starts[s] + i;
                }
            }
            return rows;
        }
    }

    private final List<Group> groups;
    private final int rows;

    private SegmentGroups(List<Group> groups, int rows) {
        this.groups = groups;
        this.rows = rows;
    }

    /** @param bounds cumulative run boundaries, starting at 0 (as cu_seqlens) */
    static SegmentGroups of(int[] bounds) {
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i + 1 < bounds.length; i++) {
            int length = bounds[i + 1] - bounds[i];
            if (length > 0) {
                byLength.computeIfAbsent(length, l -> new ArrayList<>()).add(bounds[i]);
            }
        }
        List<Group> groups = new ArrayList<>();
        byLength.forEach((length, starts) -> groups.add(
                new Group(length, starts.stream().mapToInt(Integer::intValue).toArray())));
        return new SegmentGroups(List.copyOf(groups), bounds[bounds.length - 1]);
    }

    List<Group> groups() {
        return groups;
    }

    /** True when one group covers the rows in order, so no gather or scatter is needed. */
    boolean inOrder() {
        return groups.size() == 1;
    }

    /**
     * For each row in the order the groups hold them, its position once the group outputs are put back:
     * {@code concat(groups).get(restore())} is in row order again.
     */
    long[] restore() {
        long[] restore = new long[rows];
        int next = 0;
        for (Group g : groups) {
            for (long row : g.rows()) {
                restore[(int) row] = next++;
            }
        }
        return restore;
    }
}
