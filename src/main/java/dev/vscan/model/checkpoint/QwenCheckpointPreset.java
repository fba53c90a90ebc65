package dev.vscan.model.checkpoint;

import dev.vscan.model.config.QwenLanguageConfig;
import dev.vscan.model.config.QwenVisionConfig;
import dev.vscan.model.config.TextConfig;
import dev.vscan.model.text.QwenTokenizerSpec;
import dev.vscan.model.weights.DType;
import java.util.List;
import java.util.Locale;

/**
 * Shapes of generated Qwen2.5-VL checkpoints ({@code tiny-checkpoint --family qwen2_5_vl}). {@code tiny}
 * is the test scale of src/test/resources/qwen2_5_vl-reference; {@code small} keeps Qwen2.5-VL-7B's
 * proportions (a vision tower with a full-attention block closing every group of four, 112-px windows,
 * 64-wide heads in both towers, grouped-query attention, M-RoPE split 1:1.5:1.5) scaled down so benchmarks
 * run on two CPU cores.
 *
 * <p>The vocabulary is a trained byte-level BPE followed by Qwen's 22 added tokens; config.json's
 * {@code vocab_size} is larger still, the last rows padding, as Qwen pads 151,665 ids to 152,064.
 */
public enum QwenCheckpointPreset {
    TINY(new QwenVisionConfig(4, 32, 64, 2, 3, 64, 14, 2, 2, 56, List.of(1, 3), "silu", 1e-6),
            new Decoder(64, 160, 4, 4, 2, 16, List.of(2, 3, 3)), 480, 512, 80 * 28 * 28, DType.F32),
    SMALL(new QwenVisionConfig(8, 256, 688, 4, 3, 512, 14, 2, 2, 112, List.of(3, 7), "silu", 1e-6),
            new Decoder(512, 1376, 16, 8, 4, 64, List.of(8, 12, 12)), 1984, 2048, 576 * 28 * 28, DType.F16);

    /** Qwen2VLImageProcessor's published lower bound, 56 * 56 pixels. */
    public static final long MIN_PIXELS = 56 * 56;

    /** The decoder's own sizes; vocabulary and special ids come from the tokenizer. */
    private record Decoder(int hidden, int intermediate, int layers, int heads, int keyValueHeads, int headDim,
                           List<Integer> mropeSection) {
    }

    private final QwenVisionConfig vision;
    private final Decoder decoder;
    private final QwenTokenizerSpec tokenizer;
    private final int vocabSize;
    private final long maxPixels;
    private final DType dtype;

    QwenCheckpointPreset(QwenVisionConfig vision, Decoder decoder, int bpeVocabularySize, int vocabSize,
            long maxPixels, DType dtype) {
        this.vision = vision;
        this.decoder = decoder;
        this.tokenizer = new QwenTokenizerSpec(bpeVocabularySize);
        this.vocabSize = vocabSize;
        this.maxPixels = maxPixels;
        this.dtype = dtype;
        if (tokenizer.size() > vocabSize) {
            throw new IllegalStateException(name() + ": " + tokenizer.size() + " token ids do not fit vocab_size "
                    + vocabSize);
        }
    }

    public QwenVisionConfig vision() {
        return vision;
    }

    /**
     * The language side as config.json gives it back: BOS {@code <|endoftext|>} and EOS {@code <|im_end|>}
     * as Qwen's config.json has them, no pad id (generation_config.json names it), rope_theta 1e6.
     */
    public QwenLanguageConfig language() {
        Decoder d = decoder;
        TextConfig text = new TextConfig(vocabSize, d.hidden(), d.intermediate(), d.layers(), d.heads(),
                d.keyValueHeads(), d.headDim(), 1e-6, 1_000_000.0, 128000, "silu", false, tokenizer.endOfText(),
                List.of(tokenizer.imEnd()), -1, d.mropeSection());
        return new QwenLanguageConfig(text, tokenizer.imagePad(), tokenizer.visionStart(), tokenizer.visionEnd());
    }

    public QwenTokenizerSpec tokenizer() {
        return tokenizer;
    }

    /** preprocessor_config.json's {@code max_pixels}: at most this many pixels, {@code /28^2} visual tokens. */
    public long maxPixels() {
        return maxPixels;
    }

    /** The dtype weights are stored in: float16 keeps the small preset's files at half the size. */
    public DType storageType() {
        return dtype;
    }

    public static QwenCheckpointPreset parse(String name) {
        for (QwenCheckpointPreset p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown qwen2_5_vl preset '" + name + "'; choose tiny or small");
    }
}
