package dev.vscan.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An endless, index-addressed dataset: question {@code i} is generated from a random stream seeded by
 * (seed, i) alone, so any worker can produce any item in any order and get the same result.
 */
public final class SyntheticDataset {

    /** Seed of the training stream. */
    public static final long TRAIN_SEED = 1;
    /** Seed of the held-out evaluation set; far from the training seed, so the streams are unrelated. */
    public static final long HELD_OUT_SEED = 1_000_003;

    /** Held-out family f uses indices from f.ordinal() * this, so families never share a stream. */
    private static final long FAMILY_STRIDE = 1L << 32;

    private final long seed;
    private final int imageSize;
    private final QuestionGenerator questions;

    public SyntheticDataset(long seed, int imageSize) {
        this.seed = seed;
        this.imageSize = imageSize;
        this.questions = new QuestionGenerator(new SceneGenerator(imageSize));
    }

    public long seed() {
        return seed;
    }

    public int imageSize() {
        return imageSize;
    }

    /** Item {@code index} with its family drawn uniformly. */
    public VisualQuestion get(long index) {
        SplittableRandom random = randomFor(index);
        QuestionFamily[] families = QuestionFamily.values();
        return questions.next(families[random.nextInt(families.length)], random);
    }

    /** Item {@code index} forced to the given family. */
    public VisualQuestion get(long index, QuestionFamily family) {
        return questions.next(family, randomFor(index));
    }

    /** Item {@code index} with its family drawn by weight (see {@link QuestionGenerator#next(Map, SplittableRandom)}). */
    public VisualQuestion get(long index, Map<QuestionFamily, Double> weights) {
        return questions.next(weights, randomFor(index));
    }

    /**
     * The held-out set at this dataset's image size, family-major: {@code perFamily} COLOUR questions,
     * then {@code perFamily} COUNT questions, and so on in enum order. Always drawn from
     * {@link #HELD_OUT_SEED}, whatever this dataset's own seed.
     */
    public List<VisualQuestion> heldOut(int perFamily) {
        if (perFamily < 0) {
            throw new IllegalArgumentException("questions per family must be >= 0, got " + perFamily);
        }
        SyntheticDataset source = seed == HELD_OUT_SEED ? this : new SyntheticDataset(HELD_OUT_SEED, imageSize);
        List<VisualQuestion> set = new ArrayList<>(perFamily * QuestionFamily.values().length);
        for (QuestionFamily family : QuestionFamily.values()) {
            for (int i = 0; i < perFamily; i++) {
                set.add(source.get(family.ordinal() * FAMILY_STRIDE + i, family));
            }
        }
        return set;
    }

    private SplittableRandom randomFor(long index) {
        // Two SplitMix64 finalisations decorrelate neighbouring seeds and indices.
        return new SplittableRandom(mix(mix(seed) + index * 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
