package dev.vscan.reduction;

/**
 * Where and how VScan's stage 1 scans the vision tower.
 *
 * <p>The split of a budget R1 is {@code nLocal = floor(R1 * (1 - globalShare))} and
 * {@code nGlobal = R1 - nLocal}; with the default share 0.5 this is the reference's
 * {@code floor(R1/2)} local and the rest global.
 *
 * @param localLayer  0-based vision layer whose [CLS] attention drives the local scan
 * @param deepLayer   0-based vision layer whose [CLS] attention drives the global scan
 * @param windowRows  windows stacked vertically over the patch grid
 * @param windowCols  windows side by side over the patch grid
 * @param globalShare fraction of R1 given to the global scan, in [0, 1]
 */
public record ScanSettings(int localLayer, int deepLayer, int windowRows, int windowCols, double globalShare) {

    public ScanSettings {
        if (localLayer < 0 || deepLayer < 0) {
            throw new IllegalArgumentException("scan layers are 0-based vision layer indices and must be >= 0, got local "
                    + localLayer + " and deep " + deepLayer);
        }
        if (windowRows < 1 || windowCols < 1) {
            throw new IllegalArgumentException("the local scan needs at least a 1x1 window grid, got "
                    + windowRows + "x" + windowCols);
        }
        if (!(globalShare >= 0 && globalShare <= 1)) {
            throw new IllegalArgumentException("globalShare is the fraction of R1 kept by the global scan and must lie in [0, 1], got "
                    + globalShare);
        }
    }

    /**
     * The project's defaults for a vision tower of {@code visionLayers} layers (the config's
     * num_hidden_layers): local layer floor(5L/24), deep layer L-2, 4x4 windows, half global.
     * CLIP ViT-L (24 layers) gives the paper's layers 5 and 22.
     */
    public static ScanSettings defaults(int visionLayers) {
        if (visionLayers < 2) {
            throw new IllegalArgumentException("the default deep layer is L-2, so the vision tower needs at least 2 layers, got "
                    + visionLayers);
        }
        return new ScanSettings(5 * visionLayers / 24, visionLayers - 2, 4, 4, 0.5);
    }

    public int windows() {
        return windowRows * windowCols;
    }

    /** Tokens of a budget {@code r1} chosen by the local scan. */
    public int localCount(int r1) {
        // the epsilon keeps shares such as 0.3 from rounding 7.0 down to 6.999...
        return (int) Math.floor(r1 * (1 - globalShare) + 1e-9);
    }

    /** Tokens of a budget {@code r1} chosen by the global scan. */
    public int globalCount(int r1) {
        return r1 - localCount(r1);
    }
}
