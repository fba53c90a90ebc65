package dev.vscan.model.extension;

/**
 * How stage 1 chose and merged one image's patches, for showing it (all indices raster order in the
 * image's patch grid, the same index space as {@link ReducedImage#keptPatchIndices()}).
 *
 * @param localPicks   kept by the local scan, ascending
 * @param globalPicks  kept by the global scan, ascending, disjoint from the local picks
 * @param mergeTargets per patch: the kept patch it was merged into (itself when kept), or -1 when it was
 *                     dropped without merging
 */
public record StageOneTrace(int[] localPicks, int[] globalPicks, int[] mergeTargets) {

    public StageOneTrace {
        localPicks = localPicks.clone();
        globalPicks = globalPicks.clone();
        mergeTargets = mergeTargets.clone();
    }

    /** Dropped patches discarded, kept ones standing for themselves: the trace of a reduction that does not merge. */
    public static StageOneTrace withoutMerging(int[] localPicks, int[] globalPicks, int[] kept, int patches) {
        int[] targets = new int[patches];
        java.util.Arrays.fill(targets, -1);
        for (int k : kept) {
            targets[k] = k;
        }
        return new StageOneTrace(localPicks, globalPicks, targets);
    }
}
