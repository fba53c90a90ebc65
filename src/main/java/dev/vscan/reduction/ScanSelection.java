package dev.vscan.reduction;

/**
 * The patches stage 1 keeps for one image, each array ascending.
 *
 * @param local  chosen by the local scan
 * @param global chosen by the global scan, disjoint from {@code local}
 * @param kept   their union in raster order
 */
public record ScanSelection(int[] local, int[] global, int[] kept) {

    public ScanSelection {
        local = local.clone();
        global = global.clone();
        kept = kept.clone();
        if (kept.length != local.length + global.length) {
            throw new IllegalArgumentException("kept set of " + kept.length + " patches is not the union of "
                    + local.length + " local and " + global.length + " global picks");
        }
    }

    /** Joins disjoint ascending local and global picks into one ascending kept set. */
    static ScanSelection of(int[] local, int[] global) {
        int[] kept = new int[local.length + global.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < local.length || j < global.length) {
            boolean takeLocal = j == global.length || (i < local.length && local[i] < global[j]);
            kept[k++] = takeLocal ? local[i++] : global[j++];
        }
        for (int m = 1; m < kept.length; m++) {
            if (kept[m] == kept[m - 1]) {
                throw new IllegalArgumentException("patch " + kept[m] + " was picked by both scans");
            }
        }
        return new ScanSelection(local, global, kept);
    }
}
