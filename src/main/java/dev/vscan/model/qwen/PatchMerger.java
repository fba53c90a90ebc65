package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.nn.Linear;
import dev.vscan.model.nn.RmsNorm;

/**
 * Qwen2.5-VL's merger: RMSNorm (ln_q) per patch row, the rows of one merged token (consecutive in
 * window order) concatenated, then Linear, exact GELU, Linear to the LLM's width.
 */
final class PatchMerger {

    private final RmsNorm norm;
    private final Linear fc1;
    private final Linear fc2;

    PatchMerger(RmsNorm norm, Linear fc1, Linear fc2) {
        this.norm = norm;
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    /** [patches, hidden] in window order to [merged tokens, out hidden] in window order. */
    NDArray apply(NDArray x) {
        NDArray grouped = norm.apply(x).reshape(-1, fc1.inFeatures());
        return fc2.apply(ai.djl.nn.Activation.gelu(fc1.apply(grouped)));
    }
}
