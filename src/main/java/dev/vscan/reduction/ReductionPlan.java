package dev.vscan.reduction;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.extension.VisualTokenReducer;

/**
 * A reduction method made concrete for one request on one model: the resolved budget and the two
 * objects that plug into the engine. Stage-2 counts cover the whole prompt (R2 per image times the
 * number of images), since stage 2 ranks all visual tokens of a prompt together. {@code positions}
 * goes with the request to the engine, which places stage 1's tokens by it; the pruner already
 * follows it.
 */
public record ReductionPlan(ReductionMethod method, Budget budget, VisualTokenReducer reducer, SequencePruner pruner,
        VisualPositions positions) {

    public static ReductionPlan none() {
        return new ReductionPlan(ReductionMethod.NONE, null, VisualTokenReducer.NONE, SequencePruner.NONE,
                VisualPositions.REFERENCE);
    }

    /**
     * @param images number of images in the request's prompt
     * @throws IllegalArgumentException when the configuration does not fit the model, naming the value
     */
    public static ReductionPlan of(ReductionConfig config, LlavaConfig model, int images) {
        if (config.method() == ReductionMethod.NONE) {
            return none();
        }
        int tokens = model.vision().numPatches();
        int llmLayers = model.text().numHiddenLayers();
        Budget budget = config.resolve(tokens, llmLayers, model.visionLayersToRun());
        int promptKeep = budget.r2() * Math.max(1, images);
        VisualPositions positions = config.positionsOrDefault();
        boolean renumber = positions == VisualPositions.REFERENCE;
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> new ReductionPlan(config.method(), budget,
                    new VScanReducer(budget.r1(), scanSettings(config, model), config.method() != ReductionMethod.VSCAN_NOMERGE,
                            scanMode(config.method())),
                    budget.r2() < budget.r1() ? new MiddleLayerPruner(budget.layer(), promptKeep, renumber)
                            : SequencePruner.NONE,
                    positions);
            // FastV's own code keeps positions, so both settings run it the same way
            case FASTV -> new ReductionPlan(config.method(), budget, VisualTokenReducer.NONE,
                    new FastVPruner(budget.layer(), promptKeep), positions);
            case PDROP -> new ReductionPlan(config.method(), budget, VisualTokenReducer.NONE,
                    new PyramidDropPruner(new int[] {llmLayers / 4, llmLayers / 2, 3 * llmLayers / 4},
                            budget.pyramidRatio(), renumber),
                    positions);
            case VISIONZIP -> new ReductionPlan(config.method(), budget, VisionZipReducer.forBudget(budget.r1()),
                    SequencePruner.NONE, positions);
            case NONE -> none();
        };
    }

    /**
     * A plan for LLaVA-NeXT, from explicit settings: {@code r1} tokens per crop (the base crop and every
     * tile, each scanned and merged on its own), {@code r2} visual tokens of each image that stay after
     * decoder layer {@code layer} (stage 2 ranks all of an image's tokens, newlines included). Budgets
     * (averages over the layers) are not mapped to NeXT's image-dependent token counts yet and are refused.
     */
    public static ReductionPlan ofAnyRes(ReductionConfig config, LlavaConfig model, int images) {
        if (config.method() == ReductionMethod.NONE) {
            return none();
        }
        if (config.budget() != null || config.fraction() != null) {
            throw new IllegalArgumentException("on LLaVA-NeXT give r1 (tokens per crop), r2 (visual tokens of each"
                    + " image after stage 2) and layer; budgets are not mapped to NeXT yet");
        }
        int perCrop = model.vision().numPatches();
        int llmLayers = model.text().numHiddenLayers();
        int layer = config.layer() == null ? llmLayers / 2 : config.layer();
        if (layer < 1 || layer > llmLayers - 1) {
            throw new IllegalArgumentException("layer " + layer + " must be in 1.." + (llmLayers - 1));
        }
        int r1 = config.r1() == null ? perCrop : config.r1();
        if (r1 < 1) {
            throw new IllegalArgumentException("r1 " + r1 + " must be at least 1 token per crop");
        }
        VisualPositions positions = config.positionsOrDefault();
        boolean renumber = positions == VisualPositions.REFERENCE;
        SequencePruner stage2 = config.r2() == null ? SequencePruner.NONE
                : switch (config.method()) {
                    case FASTV -> new FastVPruner(config.layer() == null ? ReductionConfig.FASTV_LAYER : layer,
                            keep(config.r2(), images));
                    default -> new MiddleLayerPruner(layer, keep(config.r2(), images), renumber);
                };
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> new ReductionPlan(config.method(), null,
                    new VScanReducer(r1, scanSettings(config, model), config.method() != ReductionMethod.VSCAN_NOMERGE,
                            scanMode(config.method())), stage2, positions);
            case FASTV -> new ReductionPlan(config.method(), null, VisualTokenReducer.NONE, stage2, positions);
            case VISIONZIP -> new ReductionPlan(config.method(), null, VisionZipReducer.forBudget(r1),
                    SequencePruner.NONE, positions);
            case PDROP -> throw new IllegalArgumentException("pdrop on LLaVA-NeXT needs its ratios from a budget,"
                    + " which is not mapped to NeXT yet");
            case NONE -> none();
        };
    }

    private static int keep(int r2, int images) {
        if (r2 < 1) {
            throw new IllegalArgumentException("r2 " + r2 + " must be at least 1 visual token");
        }
        return r2 * Math.max(1, images);
    }

    static ScanSettings scanSettings(ReductionConfig config, LlavaConfig model) {
        ScanSettings defaults = ScanSettings.defaults(model.vision().numHiddenLayers());
        int windows = config.windows() == null ? defaults.windowRows() : config.windows();
        return new ScanSettings(
                config.localLayer() == null ? defaults.localLayer() : config.localLayer(),
                config.deepLayer() == null ? defaults.deepLayer() : config.deepLayer(),
                windows, config.windows() == null ? defaults.windowCols() : windows, defaults.globalShare());
    }

    private static ScanMode scanMode(ReductionMethod method) {
        return switch (method) {
            case VSCAN_GLOBAL -> ScanMode.GLOBAL_ONLY;
            case VSCAN_LOCAL -> ScanMode.LOCAL_ONLY;
            default -> ScanMode.BOTH;
        };
    }
}
