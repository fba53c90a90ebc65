package dev.vscan.model.checkpoint;

import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.config.VisionConfig;
import dev.vscan.model.text.BpeTokenizerBuilder;
import dev.vscan.model.weights.DType;
import java.util.List;
import java.util.Locale;

/**
 * Shapes of generated checkpoints. {@code tiny} is for tests (a second or less per forward);
 * {@code small} keeps LLaVA-1.5's proportions (576 visual tokens from a 24x24 patch grid, a deep
 * vision tower read at layer -2, a decoder several times wider than the vision tower) scaled down so
 * benchmarks run on two CPU cores.
 */
public enum TinyCheckpointPreset {
    TINY(
            new VisionConfig(32, 64, 4, 4, 3, 112, 14, 1e-5, "quick_gelu", 32),
            new TextConfig(512, 64, 128, 4, 4, 2, 16, 1e-5, 10000.0, 1024, "silu", false, 1, List.of(2), 0),
            DType.F32),
    SMALL(
            new VisionConfig(256, 1024, 12, 8, 3, 336, 14, 1e-5, "quick_gelu", 256),
            new TextConfig(2048, 512, 1376, 16, 8, 8, 64, 1e-5, 10000.0, 4096, "silu", false, 1, List.of(2), 0),
            DType.F16),
    /**
     * The built-in model's shape: a 16x16 patch grid (112 px, 7-px patches) so that small details cover
     * only a few tokens, a 4-layer ViT and a 4-layer grouped-query decoder, small enough to train on
     * two CPU cores and to store below 10 MB in float16.
     */
    SHAPES(
            new VisionConfig(128, 512, 4, 4, 3, 112, 7, 1e-5, "quick_gelu", 128),
            new TextConfig(512, 192, 512, 4, 4, 2, 48, 1e-5, 10000.0, 2048, "silu", false, 1, List.of(2), 0),
            DType.F16);

    private final VisionConfig vision;
    private final TextConfig text;
    private final DType dtype;

    TinyCheckpointPreset(VisionConfig vision, TextConfig text, DType dtype) {
        this.vision = vision;
        this.text = text;
        this.dtype = dtype;
    }

    public LlavaConfig config() {
        return new LlavaConfig(vision, text, BpeTokenizerBuilder.IMAGE, "gelu", -2, "default", true, false,
                BpeTokenizerBuilder.UNK);
    }

    /** The dtype weights are stored in: float16 keeps the small preset's files at half the size. */
    public DType storageType() {
        return dtype;
    }

    public static TinyCheckpointPreset parse(String name) {
        for (TinyCheckpointPreset p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "'; choose tiny, small or shapes");
    }
}
