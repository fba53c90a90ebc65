package dev.vscan.training;

import dev.vscan.synth.QuestionFamily;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * How to train the built-in model.
 *
 * @param output         directory of the trained checkpoint (written at every checkpoint and at the end)
 * @param seed           seeds the initial weights and the stream of training questions
 * @param steps          optimiser steps; the learning rate warms up, then follows a cosine to 10 %
 * @param batchSize      questions per step (two-image questions are batched among themselves)
 * @param learningRate   peak Adam learning rate
 * @param warmupSteps    linear warm-up length
 * @param maxGradNorm    global gradient norm above which gradients are scaled down
 * @param presenceShare  weight of the [CLS] auxiliary loss next to the answer loss
 * @param patchShare     weight of the per-patch class loss next to the answer loss
 * @param captionShare   share of one-image training items replaced by a {@link dev.vscan.synth.SceneCaption}
 *                       of the same scene (0 turns captions off)
 * @param captionWeight  weight of each caption token in the answer loss (a question's answer tokens weigh 1)
 * @param clsDigits      whether the [CLS] presence target also names the corner digits, not only the shapes
 * @param patchSides     whether the per-patch classes also name the half (left/right) each shape is in
 * @param maxMinutes     wall-clock cap; training stops early (and saves) when it is reached
 * @param checkpointEvery steps between saved checkpoints
 * @param familyWeights  how often each question family is drawn
 */
public record TrainingOptions(Path output, long seed, int steps, int batchSize, float learningRate, int warmupSteps,
        float maxGradNorm, float presenceShare, float patchShare, float captionShare, float captionWeight,
        boolean clsDigits, boolean patchSides, double maxMinutes, int checkpointEvery,
        Map<QuestionFamily, Double> familyWeights) {

    public TrainingOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + " must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " must be positive");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps " + warmupSteps + " must not be negative");
        }
        if (!(captionShare >= 0 && captionShare <= 1)) {
            throw new IllegalArgumentException("caption share " + captionShare + " must be between 0 and 1");
        }
        if (!(captionWeight > 0) || Float.isInfinite(captionWeight)) {
            throw new IllegalArgumentException("caption weight " + captionWeight + " must be finite and positive");
        }
        if (!(maxMinutes > 0)) {
            throw new IllegalArgumentException("max minutes " + maxMinutes + " must be positive");
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointEvery + " must be at least 1 step");
        }
        familyWeights = Map.copyOf(familyWeights);
    }

    /** The settings the shipped model was trained with, for {@code steps} steps. */
    public static TrainingOptions defaults(Path output, int steps) {
        Map<QuestionFamily, Double> weights = new EnumMap<>(QuestionFamily.class);
        for (QuestionFamily family : QuestionFamily.values()) {
            // Two-image questions cost twice as much per step; they are drawn half as often.
            weights.put(family, family.images() > 1 ? 0.5 : 1.0);
        }
        return new TrainingOptions(output, 1, steps, 16, 5e-4f, 150, 1f, 0.5f, 0.5f, 0.25f, 0.25f, false, true, 110, 300,
                weights);
    }
}
