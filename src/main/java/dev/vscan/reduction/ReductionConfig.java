package dev.vscan.reduction;

import dev.vscan.model.extension.VisualPositions;
import java.util.List;

/**
 * What a request asks of visual-token reduction, before it is resolved against a model.
 *
 * <p>The size is given in one of three exclusive ways: an average {@code budget} (visual tokens per
 * image averaged over all LLM layers, in tokens of the serving model's own N), a {@code fraction} of
 * N, or explicit {@code r1}/{@code r2}/{@code layer}. None of them means the spec's LLaVA default,
 * 64 of 576 (N/9). {@link #resolve} turns the request into a {@link Budget} for one model.
 *
 * @param method     which method runs
 * @param budget     average visual tokens per image over the LLM layers, or null
 * @param r1         explicit tokens per image after stage 1, or null
 * @param r2         explicit tokens per image after stage 2, or null
 * @param layer      explicit decoder layers before stage 2, or null
 * @param localLayer VScan: vision layer of the local scan's attention, or null for the default
 * @param deepLayer  VScan: vision layer of the global scan's attention, or null for the default
 * @param windows    VScan: local-scan windows per side (4 means 4x4), or null for the default
 * @param fraction   average budget as a share of N in (0, 1], or null
 * @param positions  where kept visual tokens sit, or null for {@link VisualPositions#REFERENCE}
 * @param r1Ratio    the authors' Qwen convention: stage 1 keeps {@code int(r1Ratio * tokens)} of each image,
 *                   or null
 * @param r2Ratio    the authors' Qwen convention: stage 2 keeps {@code int(r2Ratio * present)} of the visual
 *                   tokens present over the prompt, or null
 */
public record ReductionConfig(ReductionMethod method, Integer budget, Integer r1, Integer r2, Integer layer,
        Integer localLayer, Integer deepLayer, Integer windows, Double fraction, VisualPositions positions,
        Double r1Ratio, Double r2Ratio) {

    /** A configuration without the authors' ratios. */
    public ReductionConfig(ReductionMethod method, Integer budget, Integer r1, Integer r2, Integer layer,
            Integer localLayer, Integer deepLayer, Integer windows, Double fraction, VisualPositions positions) {
        this(method, budget, r1, r2, layer, localLayer, deepLayer, windows, fraction, positions, null, null);
    }

    /** Visual tokens per image of LLaVA-1.5 (CLIP ViT-L/14 at 336 px), the paper's reference. */
    public static final int REFERENCE_TOKENS = 576;

    /** The paper's average budgets on {@link #REFERENCE_TOKENS} tokens. */
    public static final List<Integer> PAPER_BUDGETS = List.of(192, 128, 64);

    /** Upper bound of visual tokens per image on llava-v1.6 at 336 px (base crop and four tiles). */
    public static final int NEXT_REFERENCE_TOKENS = 2880;

    /** The paper's LLaVA-NeXT budgets on {@link #NEXT_REFERENCE_TOKENS} tokens (22.2, 11.1 and 5.6 %). */
    public static final List<Integer> NEXT_PAPER_BUDGETS = List.of(640, 320, 160);

    /** Layer after which FastV prunes. */
    public static final int FASTV_LAYER = 2;

    public ReductionConfig {
        if (method == null) {
            throw new IllegalArgumentException("reduction method is missing; valid names: " + ReductionMethod.validNames());
        }
        boolean explicit = r1 != null || r2 != null || layer != null;
        if (budget != null && fraction != null) {
            throw new IllegalArgumentException("budget " + budget + " and fraction " + fraction
                    + " both give the size; set only one");
        }
        if ((budget != null || fraction != null) && explicit) {
            throw new IllegalArgumentException("an average " + (budget != null ? "budget " + budget : "fraction " + fraction)
                    + " and explicit r1/r2/layer (" + r1 + "/" + r2 + "/" + layer + ") exclude each other; set one or the other");
        }
        if (method == ReductionMethod.NONE && (budget != null || fraction != null || explicit)) {
            throw new IllegalArgumentException("method none keeps every visual token; leave budget, fraction and r1/r2/layer out");
        }
        if (budget != null && budget <= 0) {
            throw new IllegalArgumentException("budget " + budget + " must be a positive number of visual tokens");
        }
        if (fraction != null && !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction " + fraction + " must be in (0, 1]: a share of the visual tokens");
        }
        if (r1 != null && r1 <= 0) {
            throw new IllegalArgumentException("r1 " + r1 + " must be a positive number of visual tokens");
        }
        if (r2 != null && r2 <= 0) {
            throw new IllegalArgumentException("r2 " + r2 + " must be a positive number of visual tokens");
        }
        if (layer != null && layer < 1) {
            throw new IllegalArgumentException("layer " + layer + " must be at least 1: stage 2 runs after a decoder layer");
        }
        if ((localLayer != null || deepLayer != null || windows != null) && !method.isVScan()) {
            throw new IllegalArgumentException("localLayer/deepLayer/windows tune VScan's scans; method " + method + " has none");
        }
        if (localLayer != null && localLayer < 0) {
            throw new IllegalArgumentException("localLayer " + localLayer + " must be a 0-based vision layer index (>= 0)");
        }
        if (deepLayer != null && deepLayer < 0) {
            throw new IllegalArgumentException("deepLayer " + deepLayer + " must be a 0-based vision layer index (>= 0)");
        }
        if (windows != null && windows < 1) {
            throw new IllegalArgumentException("windows " + windows + " must be at least 1 window per side");
        }
        checkRatio("r1Ratio", r1Ratio);
        checkRatio("r2Ratio", r2Ratio);
        if ((r1Ratio != null && r1 != null) || (r2Ratio != null && r2 != null)) {
            throw new IllegalArgumentException("a stage is sized by a count or by a ratio, not both (r1 " + r1
                    + " / r1Ratio " + r1Ratio + ", r2 " + r2 + " / r2Ratio " + r2Ratio + ")");
        }
        if ((r1Ratio != null || r2Ratio != null) && (budget != null || fraction != null)) {
            throw new IllegalArgumentException("the ratios r1Ratio/r2Ratio size the stages themselves; leave budget"
                    + " and fraction out");
        }
        if ((r1Ratio != null || r2Ratio != null) && method == ReductionMethod.NONE) {
            throw new IllegalArgumentException("method none keeps every visual token; leave r1Ratio/r2Ratio out");
        }
        if (positions == VisualPositions.ORIGINAL && method == ReductionMethod.NONE) {
            throw new IllegalArgumentException("positions original applies to a reduction; method none drops no token");
        }
    }

    private static void checkRatio(String name, Double ratio) {
        if (ratio != null && !(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException(name + " " + ratio + " must be in (0, 1]: a share of the visual tokens");
        }
    }

    /** True when the stages are sized by the authors' ratios. */
    public boolean hasRatios() {
        return r1Ratio != null || r2Ratio != null;
    }

    /** The positions setting, with null read as the default. */
    public VisualPositions positionsOrDefault() {
        return positions == null ? VisualPositions.REFERENCE : positions;
    }

    /** A copy whose kept visual tokens sit at the given positions. */
    public ReductionConfig withPositions(VisualPositions newPositions) {
        return new ReductionConfig(method, budget, r1, r2, layer, localLayer, deepLayer, windows, fraction, newPositions,
                r1Ratio, r2Ratio);
    }

    /** A copy sized by a share of the visual tokens instead of an average budget. */
    public ReductionConfig withFraction(double newFraction) {
        return new ReductionConfig(method, null, r1, r2, layer, localLayer, deepLayer, windows, newFraction, positions,
                r1Ratio, r2Ratio);
    }

    /** Plain LLaVA: every visual token through every layer. */
    public static ReductionConfig none() {
        return new ReductionConfig(ReductionMethod.NONE, null, null, null, null, null, null, null, null, null);
    }

    /** An average budget in visual tokens per image of the serving model. */
    public static ReductionConfig ofBudget(ReductionMethod method, int budget) {
        return new ReductionConfig(method, budget, null, null, null, null, null, null, null, null);
    }

    /** An average budget as a share of the model's visual tokens, e.g. 1.0/9 for 64 of 576. */
    public static ReductionConfig fraction(ReductionMethod method, double fraction) {
        return new ReductionConfig(method, null, null, null, null, null, null, null, fraction, null);
    }

    /** One of the paper's budgets (192, 128, 64 of 576), scaled to the serving model's token count. */
    public static ReductionConfig paperPreset(ReductionMethod method, int paperBudget) {
        if (!PAPER_BUDGETS.contains(paperBudget)) {
            throw new IllegalArgumentException("paper budget " + paperBudget + " is not one of " + PAPER_BUDGETS);
        }
        return fraction(method, paperBudget / (double) REFERENCE_TOKENS);
    }

    /** One of the paper's LLaVA-NeXT budgets (640, 320, 160 of 2,880), as a share of a NeXT model's upper bound. */
    public static ReductionConfig nextPaperPreset(ReductionMethod method, int paperBudget) {
        if (!NEXT_PAPER_BUDGETS.contains(paperBudget)) {
            throw new IllegalArgumentException("LLaVA-NeXT paper budget " + paperBudget + " is not one of "
                    + NEXT_PAPER_BUDGETS);
        }
        return fraction(method, paperBudget / (double) NEXT_REFERENCE_TOKENS);
    }

    /** Explicit counts; a null r1 means no stage 1, a null r2 no stage 2, a null layer the method's default. */
    public static ReductionConfig explicit(ReductionMethod method, Integer r1, Integer r2, Integer layer) {
        return new ReductionConfig(method, null, r1, r2, layer, null, null, null, null, null);
    }

    /** A copy with VScan's scan settings overridden (nulls keep the defaults). */
    public ReductionConfig withScan(Integer localLayer, Integer deepLayer, Integer windows) {
        return new ReductionConfig(method, budget, r1, r2, layer, localLayer, deepLayer, windows, fraction, positions,
                r1Ratio, r2Ratio);
    }

    /**
     * The counts for a model with {@code visualTokensPerImage} tokens per image, {@code llmLayers}
     * decoder layers and {@code visionLayers} vision layers run.
     *
     * <p>VScan and its ablations: R1 = 1.5 x budget (at most N) and k = L/2, with R2 chosen so the
     * average stays the budget (0.5 x budget for even L). FastV: all N tokens up to layer 2, then R2
     * that keeps the average. VisionZip: R1 = R2 = budget. PyramidDrop: all N tokens up to L/4, then
     * the same ratio kept after L/4, L/2 and 3L/4, chosen so the average is the budget.
     */
    public Budget resolve(int visualTokensPerImage, int llmLayers, int visionLayers) {
        int n = visualTokensPerImage;
        if (n < 1) {
            throw new IllegalArgumentException("the model has " + n + " visual tokens per image; nothing to reduce");
        }
        if (llmLayers < 2) {
            throw new IllegalArgumentException("the language model has " + llmLayers
                    + " decoder layers; stage 2 needs at least 2");
        }
        checkScanSettings(n, visionLayers);
        if (method == ReductionMethod.NONE) {
            return new Budget(n, n, llmLayers / 2);
        }
        Budget resolved = (r1 != null || r2 != null || layer != null)
                ? explicitBudget(n, llmLayers)
                : averageBudget(averageTokens(n), n, llmLayers);
        if (resolved.layer() > llmLayers - 1) {
            throw new IllegalArgumentException("layer " + resolved.layer() + " must be in 1.." + (llmLayers - 1)
                    + ": the language model has " + llmLayers + " decoder layers and stage 2 needs one after it");
        }
        return resolved;
    }

    private void checkScanSettings(int n, int visionLayers) {
        if (localLayer != null && localLayer >= visionLayers) {
            throw new IllegalArgumentException("localLayer " + localLayer + " is past the last vision layer that runs ("
                    + (visionLayers - 1) + ")");
        }
        if (deepLayer != null && deepLayer >= visionLayers) {
            throw new IllegalArgumentException("deepLayer " + deepLayer + " is past the last vision layer that runs ("
                    + (visionLayers - 1) + ")");
        }
        int side = (int) Math.floor(Math.sqrt(n));
        if (windows != null && windows > side) {
            throw new IllegalArgumentException("windows " + windows + " per side exceeds the " + side
                    + " patches per side of a " + n + "-token image");
        }
    }

    private int averageTokens(int n) {
        int average;
        if (budget != null) {
            average = budget;
        } else {
            double share = fraction != null ? fraction : 1.0 / 9;
            average = Math.max(1, (int) Math.round(share * n));
        }
        if (average > n) {
            throw new IllegalArgumentException("budget " + average + " exceeds the " + n
                    + " visual tokens per image of this model");
        }
        return average;
    }

    private Budget averageBudget(int average, int n, int llmLayers) {
        return switch (method) {
            case VISIONZIP -> new Budget(average, average, llmLayers / 2);
            case FASTV -> afterFullPrefix(average, n, llmLayers, FASTV_LAYER);
            case PDROP -> pyramid(average, n, llmLayers);
            default -> {
                int k = llmLayers / 2;
                int first = Math.min(n, (int) Math.round(1.5 * average));
                int second = (int) Math.round((average * (double) llmLayers - k * (double) first) / (llmLayers - k));
                yield new Budget(first, Math.max(1, Math.min(first, second)), k);
            }
        };
    }

    /** All N tokens through the first k layers, then the R2 that keeps the average. */
    private Budget afterFullPrefix(int average, int n, int llmLayers, int k) {
        if (k >= llmLayers) {
            throw new IllegalArgumentException(method + " prunes after layer " + k + " but the language model has only "
                    + llmLayers + " decoder layers");
        }
        double floor = k * (double) n / llmLayers;
        int second = (int) Math.round((average * (double) llmLayers - k * (double) n) / (llmLayers - k));
        if (second < 1) {
            throw new IllegalArgumentException("budget " + average + " is below what " + method + " can reach: its first "
                    + k + " layers see all " + n + " tokens, so the average is at least " + Math.ceil(floor)
                    + "; raise the budget or give explicit r2/layer");
        }
        return new Budget(n, Math.min(n, second), k);
    }

    private Budget pyramid(int average, int n, int llmLayers) {
        int k = Math.max(1, llmLayers / 4);
        double floor = pyramidAverage(0, n, llmLayers, k);
        if (average <= floor) {
            throw new IllegalArgumentException("budget " + average + " is below what pdrop can reach: its first " + k
                    + " layers see all " + n + " tokens, so the average is above " + Math.round(floor)
                    + "; raise the budget or give explicit r2/layer");
        }
        double lo = 0, hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (pyramidAverage(mid, n, llmLayers, k) < average) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int second = (int) Math.round(lo * n);
        return new Budget(n, Math.max(1, Math.min(n, second)), k);
    }

    /** Average tokens when layers [j*k, (j+1)*k) see n * ratio^j, for j up to 3 (three prunes). */
    static double pyramidAverage(double ratio, int n, int llmLayers, int k) {
        double sum = 0;
        for (int l = 0; l < llmLayers; l++) {
            sum += n * Math.pow(ratio, Math.min(3, l / k));
        }
        return sum / llmLayers;
    }

    private Budget explicitBudget(int n, int llmLayers) {
        boolean noStageOne = method == ReductionMethod.FASTV || method == ReductionMethod.PDROP;
        if (noStageOne && r1 != null && r1 != n) {
            throw new IllegalArgumentException("r1 " + r1 + " would reduce in stage 1, which " + method
                    + " does not have; leave r1 out or set it to " + n);
        }
        int first = r1 != null ? r1 : n;
        if (first > n) {
            throw new IllegalArgumentException("r1 " + first + " exceeds the " + n + " visual tokens per image of this model");
        }
        int second = r2 != null ? r2 : first;
        if (second > first) {
            throw new IllegalArgumentException("r2 " + second + " exceeds r1 " + first
                    + ": stage 2 can only drop tokens that stage 1 kept");
        }
        if (method == ReductionMethod.VISIONZIP && second != first) {
            throw new IllegalArgumentException("r2 " + second + " differs from r1 " + first
                    + ", but visionzip has no stage 2; leave r2 out");
        }
        int k = layer != null ? layer : switch (method) {
            case FASTV -> FASTV_LAYER;
            case PDROP -> Math.max(1, llmLayers / 4);
            default -> llmLayers / 2;
        };
        return new Budget(first, second, k);
    }
}
