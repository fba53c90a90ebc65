package dev.vscan.training;

import ai.djl.training.tracker.Tracker;

/** Linear warm-up to the peak rate, then a cosine down to a tenth of it at the last step. */
public final class WarmupCosineSchedule implements Tracker {

    private final float peak;
    private final int warmup;
    private final int total;

    public WarmupCosineSchedule(float peak, int warmup, int total) {
        this.peak = peak;
        this.warmup = warmup;
        this.total = total;
    }

    @Override
    public float getNewValue(int update) {
        if (update < warmup) {
            return peak * (update + 1) / warmup;
        }
        double progress = Math.min(1.0, (update - warmup) / (double) Math.max(1, total - warmup));
        return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }
}
