package dev.vscan.reduction;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.LlavaNextConfig;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.extension.VisualTokenReducer;
import java.util.function.IntUnaryOperator;

/**
 * A reduction method made concrete for one request on one model: the resolved budget and the two
 * objects that plug into the engine. Stage-2 counts cover the whole prompt (R2 per image times the
 * number of images), since stage 2 ranks all visual tokens of a prompt together. {@code positions}
 * goes with the request to the engine, which places stage 1's tokens by it; the pruner already
 * follows it.
 */
public record ReductionPlan(ReductionMethod method, Budget budget, VisualTokenReducer reducer, SequencePruner pruner,
        VisualPositions positions, ScoredTokenReducer scoredReducer) {

    /** A plan for a tower with [CLS] (LLaVA). */
    public ReductionPlan(ReductionMethod method, Budget budget, VisualTokenReducer reducer, SequencePruner pruner,
            VisualPositions positions) {
        this(method, budget, reducer, pruner, positions, ScoredTokenReducer.NONE);
    }

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
        refuseRatios(config);
        int tokens = model.vision().numPatches();
        int llmLayers = model.text().numHiddenLayers();
        Budget budget = config.resolve(tokens, llmLayers, model.visionLayersToRun());
        int promptKeep = budget.r2() * Math.max(1, images);
        VisualPositions positions = config.positionsOrDefault();
        boolean renumber = positions == VisualPositions.REFERENCE;
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> new ReductionPlan(config.method(), budget,
                    vscanReducer(config, model, budget.r1()),
                    budget.r2() < budget.r1() ? new MiddleLayerPruner(budget.layer(), promptKeep, renumber)
                            : SequencePruner.NONE,
                    positions);
            // FastV's own code keeps positions, so both settings run it the same way
            case FASTV -> new ReductionPlan(config.method(), budget, VisualTokenReducer.NONE,
                    new FastVPruner(budget.layer(), promptKeep), positions);
            case PDROP -> new ReductionPlan(config.method(), budget, VisualTokenReducer.NONE,
                    new PyramidDropPruner(pyramidLayers(llmLayers), budget.pyramidRatio(), renumber),
                    positions);
            case VISIONZIP -> new ReductionPlan(config.method(), budget, VisionZipReducer.forBudget(budget.r1()),
                    SequencePruner.NONE, positions);
            case NONE -> none();
        };
    }

    /**
     * A plan for LLaVA-NeXT, whose images differ in size: {@code imageTokens[i]} is image i's packed
     * token count (base crop, unpadded grid and newlines) before any reduction.
     *
     * <p>Explicit settings: {@code r1} tokens per crop (the base crop and every tile, each scanned and
     * merged on its own), {@code r2} visual tokens of each image that stay after decoder layer
     * {@code layer}. A budget or fraction (or neither: the default 1/9) is read against the model's
     * upper bound of visual tokens per image, as the paper quotes NeXT (640 / 320 / 160 of 2,880 for
     * five 576-token crops), and applied per crop: stage 1 keeps what LLaVA-1.5's rule keeps of a crop
     * that size, and every stage-2 prune keeps the same share of each image's tokens that the rule keeps
     * of a crop, so images with fewer tiles keep proportionally fewer.
     *
     * @param imageTokens per image of the prompt, its packed token count without reduction
     */
    public static ReductionPlan ofAnyRes(ReductionConfig config, LlavaNextConfig model, int[] imageTokens) {
        if (config.method() == ReductionMethod.NONE) {
            return none();
        }
        refuseRatios(config);
        LlavaConfig base = model.base();
        int perCrop = base.vision().numPatches();
        int llmLayers = base.text().numHiddenLayers();
        boolean explicit = config.r1() != null || config.r2() != null || config.layer() != null;
        if (explicit) {
            return explicitAnyRes(config, base, imageTokens);
        }
        ReductionConfig perCropConfig = config.budget() == null ? config
                : config.withFraction(fractionOfUpperBound(config.budget(), upperBoundTokens(model)));
        Budget crop = perCropConfig.resolve(perCrop, llmLayers, base.visionLayersToRun());
        double stage2Share = crop.r2() / (double) perCrop;
        int keep = 0;
        for (int tokens : imageTokens) {
            keep += Math.max(1, (int) Math.round(stage2Share * tokens));
        }
        VisualPositions positions = config.positionsOrDefault();
        boolean renumber = positions == VisualPositions.REFERENCE;
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> new ReductionPlan(config.method(), crop,
                    vscanReducer(config, base, crop.r1()),
                    crop.prunesInLlm() ? new MiddleLayerPruner(crop.layer(), keep, renumber) : SequencePruner.NONE,
                    positions);
            case FASTV -> new ReductionPlan(config.method(), crop, VisualTokenReducer.NONE,
                    new FastVPruner(crop.layer(), keep), positions);
            case PDROP -> new ReductionPlan(config.method(), crop, VisualTokenReducer.NONE,
                    new PyramidDropPruner(pyramidLayers(llmLayers), crop.pyramidRatio(), renumber), positions);
            case VISIONZIP -> new ReductionPlan(config.method(), crop, VisionZipReducer.forBudget(crop.r1()),
                    SequencePruner.NONE, positions);
            case NONE -> none();
        };
    }

    /**
     * The most visual tokens one image can take before packing removes padding: the base crop and the
     * tiles of the largest pinpoint, {@code (1 + 4) x 576 = 2,880} for llava-v1.6 at 336 px.
     */
    public static int upperBoundTokens(LlavaNextConfig model) {
        int tile = model.base().vision().imageSize();
        int tiles = 0;
        for (int[] p : model.pinpoints()) {
            tiles = Math.max(tiles, (p[0] / tile) * (p[1] / tile));
        }
        return (1 + tiles) * model.base().vision().numPatches();
    }

    private static double fractionOfUpperBound(int budget, int upperBound) {
        if (budget > upperBound) {
            throw new IllegalArgumentException("budget " + budget + " exceeds the " + upperBound
                    + " visual tokens an image can have on this model (base crop and the largest tile grid)");
        }
        return budget / (double) upperBound;
    }

    private static ReductionPlan explicitAnyRes(ReductionConfig config, LlavaConfig model, int[] imageTokens) {
        int perCrop = model.vision().numPatches();
        int llmLayers = model.text().numHiddenLayers();
        int layer = config.layer() == null ? llmLayers / 2 : config.layer();
        if (layer < 1 || layer > llmLayers - 1) {
            throw new IllegalArgumentException("layer " + layer + " must be in 1.." + (llmLayers - 1));
        }
        int r1 = config.r1() == null ? perCrop : config.r1();
        if (r1 > perCrop) {
            throw new IllegalArgumentException("r1 " + r1 + " exceeds the " + perCrop + " tokens of a crop");
        }
        VisualPositions positions = config.positionsOrDefault();
        boolean renumber = positions == VisualPositions.REFERENCE;
        SequencePruner stage2 = config.r2() == null ? SequencePruner.NONE
                : switch (config.method()) {
                    case FASTV -> new FastVPruner(config.layer() == null ? ReductionConfig.FASTV_LAYER : layer,
                            keep(config.r2(), imageTokens.length));
                    default -> new MiddleLayerPruner(layer, keep(config.r2(), imageTokens.length), renumber);
                };
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> new ReductionPlan(config.method(), null,
                    vscanReducer(config, model, r1), stage2, positions);
            case FASTV -> new ReductionPlan(config.method(), null, VisualTokenReducer.NONE, stage2, positions);
            case VISIONZIP -> new ReductionPlan(config.method(), null, VisionZipReducer.forBudget(r1),
                    SequencePruner.NONE, positions);
            case PDROP -> throw new IllegalArgumentException("pdrop on LLaVA-NeXT takes a budget or fraction (its"
                    + " ratio applies to each image's own token count); leave r1/r2/layer out");
            case NONE -> none();
        };
    }

    private static VisualTokenReducer vscanReducer(ReductionConfig config, LlavaConfig model, int r1) {
        return new VScanReducer(r1, scanSettings(config, model), config.method() != ReductionMethod.VSCAN_NOMERGE,
                scanMode(config.method()));
    }

    private static int[] pyramidLayers(int llmLayers) {
        return new int[] {llmLayers / 4, llmLayers / 2, 3 * llmLayers / 4};
    }

    /**
     * A plan for Qwen2.5-VL, whose images have as many merged tokens as their size gives
     * ({@code imageTokens[i]}). Explicit settings: {@code r1} tokens per image after stage 1, {@code r2}
     * visual tokens over the whole prompt after decoder layer {@code layer} (L/2 when absent). A fraction
     * (or neither: 1/9) is a share of each image's tokens and a budget an average per image, each turned
     * into LLaVA-1.5's rule image by image (r1 = 1.5 x the image's average, at most its tokens, and the
     * stage-2 count that keeps the average). Kept tokens always keep their M-RoPE ids, as the authors'
     * Qwen code does. FastV and PyramidDrop prune in the decoder only; VisionZip needs a [CLS] and is refused.
     */
    public static ReductionPlan ofQwen(ReductionConfig config, QwenVisionConfig vision, int llmLayers,
            int[] imageTokens) {
        int visionDepth = vision.depth();
        if (config.method() == ReductionMethod.NONE) {
            return none();
        }
        if (config.method() == ReductionMethod.VISIONZIP) {
            throw new IllegalArgumentException("visionzip picks tokens by [CLS] attention, which Qwen2.5-VL's vision"
                    + " tower does not have; use vscan, fastv or pdrop");
        }
        if (config.windows() != null || config.localLayer() != null || config.deepLayer() != null) {
            throw new IllegalArgumentException("localLayer/deepLayer/windows are LLaVA's scan settings; Qwen2.5-VL"
                    + " scores its first full-attention block and its last block with 4x4-token windows");
        }
        QwenScanSettings settings = QwenScanSettings.reference(visionDepth, vision.fullAttentionBlockArray());
        boolean explicit = config.r1() != null || config.r2() != null || config.layer() != null;
        int layer = config.layer() != null ? config.layer()
                : config.method() == ReductionMethod.FASTV ? ReductionConfig.FASTV_LAYER : llmLayers / 2;
        if (layer < 1 || layer > llmLayers - 1) {
            throw new IllegalArgumentException("layer " + layer + " must be in 1.." + (llmLayers - 1));
        }
        if (explicit || config.hasRatios()) {
            return explicitQwen(config, settings, layer);
        }
        int total = java.util.Arrays.stream(imageTokens).sum();
        IntUnaryOperator average = config.budget() != null
                ? tokens -> Math.min(tokens, config.budget())
                : tokens -> (int) Math.round((config.fraction() != null ? config.fraction() : 1.0 / 9) * tokens);
        return switch (config.method()) {
            case VSCAN, VSCAN_GLOBAL, VSCAN_LOCAL, VSCAN_NOMERGE -> {
                IntUnaryOperator r1 = tokens -> Math.min(tokens, (int) Math.round(1.5 * average.applyAsInt(tokens)));
                int keep = 0;
                for (int tokens : imageTokens) {
                    double second = (average.applyAsInt(tokens) * (double) llmLayers
                            - layer * (double) r1.applyAsInt(tokens)) / (llmLayers - layer);
                    keep += Math.max(1, Math.min(r1.applyAsInt(tokens), (int) Math.round(second)));
                }
                QwenVScanReducer reducer = QwenVScanReducer.keeping(r1, settings,
                        config.method() != ReductionMethod.VSCAN_NOMERGE, scanMode(config.method()));
                yield new ReductionPlan(config.method(), null, VisualTokenReducer.NONE,
                        new MiddleLayerPruner(layer, keep, false), VisualPositions.ORIGINAL, reducer);
            }
            case FASTV -> {
                int keep = 0;
                for (int tokens : imageTokens) {
                    double second = (average.applyAsInt(tokens) * (double) llmLayers - layer * (double) tokens)
                            / (llmLayers - layer);
                    if (second < 1) {
                        throw new IllegalArgumentException("the budget is below what fastv can reach: its first "
                                + layer + " layers see all " + tokens + " tokens of an image; raise it or give r2");
                    }
                    keep += (int) Math.round(second);
                }
                yield new ReductionPlan(config.method(), null, VisualTokenReducer.NONE, new FastVPruner(layer, keep),
                        VisualPositions.ORIGINAL, ScoredTokenReducer.NONE);
            }
            case PDROP -> {
                // the kept share at each prune does not depend on the token count; resolve it on LLaVA's 576
                double share = config.budget() != null
                        ? Math.min(1.0, config.budget() * imageTokens.length / (double) Math.max(1, total))
                        : config.fraction() != null ? config.fraction() : 1.0 / 9;
                Budget pyramid = ReductionConfig.fraction(ReductionMethod.PDROP, share)
                        .resolve(ReductionConfig.REFERENCE_TOKENS, llmLayers, visionDepth);
                yield new ReductionPlan(config.method(), null, VisualTokenReducer.NONE,
                        new PyramidDropPruner(pyramidLayers(llmLayers), pyramid.pyramidRatio(), false),
                        VisualPositions.ORIGINAL, ScoredTokenReducer.NONE);
            }
            default -> throw new IllegalArgumentException(config.method() + " is not available on Qwen2.5-VL");
        };
    }

    private static ReductionPlan explicitQwen(ReductionConfig config, QwenScanSettings settings, int layer) {
        if (config.method() == ReductionMethod.PDROP) {
            throw new IllegalArgumentException("pdrop on Qwen2.5-VL takes a budget or fraction; leave r1/r2/layer out");
        }
        if (config.method() == ReductionMethod.FASTV && config.r1() != null) {
            throw new IllegalArgumentException("fastv has no stage 1; leave r1 out");
        }
        if (config.r1() != null && config.r1() < 1) {
            throw new IllegalArgumentException("r1 " + config.r1() + " must be at least 1 token per image");
        }
        if (config.method() == ReductionMethod.FASTV && config.r2Ratio() != null) {
            throw new IllegalArgumentException("fastv keeps a count; give r2 instead of r2Ratio");
        }
        if (config.method() == ReductionMethod.FASTV && config.r1Ratio() != null) {
            throw new IllegalArgumentException("fastv has no stage 1; leave r1Ratio out");
        }
        SequencePruner stage2 = config.r2Ratio() != null ? MiddleLayerPruner.ofRatio(layer, config.r2Ratio(), false)
                : config.r2() == null ? SequencePruner.NONE
                : config.method() == ReductionMethod.FASTV ? new FastVPruner(layer, config.r2())
                : new MiddleLayerPruner(layer, config.r2(), false);
        boolean merge = config.method() != ReductionMethod.VSCAN_NOMERGE;
        ScoredTokenReducer reducer = config.method() == ReductionMethod.FASTV ? ScoredTokenReducer.NONE
                : config.r1Ratio() != null
                        ? new QwenVScanReducer(config.r1Ratio(), settings, merge, scanMode(config.method()))
                : config.r1() == null ? ScoredTokenReducer.NONE
                : QwenVScanReducer.keeping(tokens -> config.r1(), settings, merge, scanMode(config.method()));
        return new ReductionPlan(config.method(), null, VisualTokenReducer.NONE, stage2, VisualPositions.ORIGINAL,
                reducer);
    }

    private static void refuseRatios(ReductionConfig config) {
        if (config.hasRatios()) {
            throw new IllegalArgumentException("r1Ratio/r2Ratio are the authors' Qwen2.5-VL convention; on LLaVA give"
                    + " r1/r2/layer, a budget or a fraction");
        }
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
