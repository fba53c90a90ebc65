package dev.vscan.model.weights;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The weight-name layouts LLaVA and Qwen2.5-VL checkpoints are published in. Canonical (internal) names are the
 * {@link #TRANSFORMERS_V5} ones; each layout is a list of prefix renames to and from them, the same
 * rules Hugging Face applies when loading an older checkpoint.
 */
public enum CheckpointLayout {

    /**
     * The layout of the llava-hf hub checkpoints ({@code language_model.model.layers...}). Listed
     * before {@link #TRANSFORMERS_SAVED}, which also accepts its names: detection keeps the first
     * layout of those that fit every name.
     */
    LLAVA_HF(List.of(
            new Rename("vision_tower.vision_model.", "model.vision_tower.vision_model."),
            new Rename("multi_modal_projector.", "model.multi_modal_projector."),
            new Rename("language_model.model.", "model.language_model."),
            new Rename("language_model.lm_head.", "lm_head."),
            new Rename("image_newline", "model.image_newline"))),

    /** What transformers 4.52+ and v5 save ({@code model.language_model.layers...}); the canonical names. */
    TRANSFORMERS_V5(List.of(
            new Rename("model.vision_tower.", "model.vision_tower."),
            new Rename("model.multi_modal_projector.", "model.multi_modal_projector."),
            new Rename("model.language_model.", "model.language_model."),
            new Rename("lm_head.", "lm_head."),
            new Rename("model.image_newline", "model.image_newline"),
            new Rename("model.visual.", "model.visual."))),

    /**
     * What transformers 5.x {@code save_pretrained} writes for LLaVA: the legacy top-level prefixes,
     * but the CLIP tower without its {@code vision_model.} level ({@code vision_tower.encoder...}).
     */
    TRANSFORMERS_SAVED(List.of(
            new Rename("vision_tower.", "model.vision_tower.vision_model."),
            new Rename("multi_modal_projector.", "model.multi_modal_projector."),
            new Rename("language_model.model.", "model.language_model."),
            new Rename("language_model.lm_head.", "lm_head."),
            new Rename("image_newline", "model.image_newline"))),

    /**
     * The published Qwen2.5-VL layout: the vision tower under {@code visual.}, the decoder directly under
     * {@code model.} ({@code model.layers...}), {@code lm_head} at the top.
     */
    QWEN_PUBLISHED(List.of(
            new Rename("visual.", "model.visual."),
            new Rename("model.", "model.language_model."),
            new Rename("lm_head.", "lm_head.")));

    /** Rotary inverse frequencies are recomputed from the config; old checkpoints may still carry them. */
    public static final String IGNORED_SUFFIX = ".rotary_emb.inv_freq";

    private record Rename(String stored, String canonical) {
    }

    private final List<Rename> renames;

    CheckpointLayout(List<Rename> renames) {
        this.renames = renames;
    }

    /** True for stored names that carry no weights the engine reads. */
    public static boolean isIgnored(String name) {
        return name.endsWith(IGNORED_SUFFIX);
    }

    /**
     * The layout every (non-ignored) name belongs to.
     *
     * @throws CheckpointException if no layout covers all names; the message lists a few that do not fit
     */
    public static CheckpointLayout detect(Set<String> names) {
        List<String> relevant = names.stream().filter(n -> !isIgnored(n)).toList();
        CheckpointLayout best = null;
        List<String> bestMisfits = relevant;
        for (CheckpointLayout layout : values()) {
            List<String> misfits = relevant.stream().filter(n -> !layout.accepts(n)).toList();
            if (misfits.size() < bestMisfits.size() || best == null) {
                best = layout;
                bestMisfits = misfits;
            }
        }
        if (!relevant.isEmpty() && bestMisfits.isEmpty()) {
            return best;
        }
        List<String> examples = (relevant.isEmpty() ? List.<String>of() : bestMisfits).stream().limit(5).toList();
        String known = java.util.Arrays.stream(values()).map(l -> l + " (" + l.prefixes() + ")")
                .collect(Collectors.joining("; "));
        throw new CheckpointException("cannot tell the checkpoint layout: the tensor names match none of " + known
                + (relevant.isEmpty() ? "; there are no tensors"
                : "; names that fit none, e.g.: " + String.join(", ", examples)));
    }

    /** True if {@code stored} starts with one of this layout's prefixes. */
    public boolean accepts(String stored) {
        return renames.stream().anyMatch(r -> stored.startsWith(r.stored()));
    }

    /** The canonical name of a name stored in this layout. */
    public String toCanonical(String stored) {
        for (Rename rename : renames) {
            if (stored.startsWith(rename.stored())) {
                return rename.canonical() + stored.substring(rename.stored().length());
            }
        }
        throw new IllegalArgumentException("tensor name '" + stored + "' does not fit the " + this + " layout ("
                + prefixes() + ")");
    }

    /** How a canonical name is stored in this layout. */
    public String fromCanonical(String canonical) {
        for (Rename rename : renames) {
            if (canonical.startsWith(rename.canonical())) {
                return rename.stored() + canonical.substring(rename.canonical().length());
            }
        }
        throw new IllegalArgumentException("'" + canonical + "' is not a canonical tensor name (expected a prefix of "
                + TRANSFORMERS_V5.prefixes() + ")");
    }

    private String prefixes() {
        return renames.stream().map(r -> r.stored() + "…").collect(Collectors.joining(", "));
    }
}
