package dev.vscan.reduction;

/** Which of VScan's two scans fill the stage-1 budget (the paper's ablations). */
public enum ScanMode {
    /** Local and global scan split the budget: the full method. */
    BOTH,
    /** The whole budget from the global scan ({@code vscan-global}). */
    GLOBAL_ONLY,
    /** The whole budget from the local scan ({@code vscan-local}). */
    LOCAL_ONLY
}
