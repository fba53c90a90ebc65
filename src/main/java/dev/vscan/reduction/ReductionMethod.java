package dev.vscan.reduction;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The visual-token reduction methods this server offers, each with the name used on the wire. */
public enum ReductionMethod {
    /** Every visual token through every layer: plain LLaVA. */
    NONE("none"),
    /** VScan: global + local scan with merging in stage 1, text-guided pruning in the LLM in stage 2. */
    VSCAN("vscan"),
    /** FastV: one text-guided prune after LLM layer 2, no stage 1. */
    FASTV("fastv"),
    /** PyramidDrop: text-guided prunes at several LLM layers, no stage 1. */
    PDROP("pdrop"),
    /** VisionZip: dominant + contextual tokens chosen before the LLM, no stage 2. */
    VISIONZIP("visionzip"),
    /** VScan ablation: stage 1 keeps only the global scan's picks. */
    VSCAN_GLOBAL("vscan-global"),
    /** VScan ablation: stage 1 keeps only the local scan's picks. */
    VSCAN_LOCAL("vscan-local"),
    /** VScan ablation: dropped tokens are discarded instead of merged. */
    VSCAN_NOMERGE("vscan-nomerge");

    private final String wireName;

    ReductionMethod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True for VScan and its ablations, which share its budget schedule and scan settings. */
    public boolean isVScan() {
        return this == VSCAN || this == VSCAN_GLOBAL || this == VSCAN_LOCAL || this == VSCAN_NOMERGE;
    }

    /** Reads a wire name (case and surrounding blanks ignored). */
    public static ReductionMethod parse(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (ReductionMethod m : values()) {
                if (m.wireName.equals(wanted)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("unknown reduction method '" + name + "'; valid names: " + validNames());
    }

    /** The wire names, comma-separated, in declaration order. */
    public static String validNames() {
        return Arrays.stream(values()).map(ReductionMethod::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
