package dev.vscan.training;

import dev.vscan.plot.LineChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes training-log.csv, held-out.csv and loss-curve.png next to the trained checkpoint. */
final class TrainingLogWriter {

    static final String LOG = "training-log.csv";
    static final String HELD_OUT = "held-out.csv";
    static final String CURVE = "loss-curve.png";

    private TrainingLogWriter() {}

    static void write(Path dir, List<LlavaTrainer.StepRecord> steps, List<LlavaTrainer.HeldOutCheck> checks) {
        StringBuilder log = new StringBuilder("step,seconds,loss,answer_loss,cls_loss,patch_loss,answer_token_accuracy,learning_rate,gradient_norm\n");
        for (LlavaTrainer.StepRecord s : steps) {
            log.append(String.format(Locale.ROOT, "%d,%.1f,%.5f,%.5f,%.5f,%.5f,%.4f,%.3e,%.3f%n", s.step(), s.seconds(),
                    s.loss(), s.answerLoss(), s.presenceLoss(), s.patchLoss(), s.answerTokenAccuracy(), s.learningRate(), s.gradientNorm()));
        }
        StringBuilder held = new StringBuilder("step,answer_token_accuracy,answer_loss\n");
        for (LlavaTrainer.HeldOutCheck c : checks) {
            held.append(String.format(Locale.ROOT, "%d,%.4f,%.5f%n", c.step(), c.answerTokenAccuracy(), c.answerLoss()));
        }
        try {
            Files.writeString(dir.resolve(LOG), log);
            Files.writeString(dir.resolve(HELD_OUT), held);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log to " + dir + ": " + e.getMessage(), e);
        }
        if (steps.size() > 1) {
            lossChart(steps, checks).writePng(dir.resolve(CURVE), 900, 480);
        }
    }

    private static LineChart lossChart(List<LlavaTrainer.StepRecord> steps, List<LlavaTrainer.HeldOutCheck> checks) {
        int window = Math.max(1, steps.size() / 100);
        int points = steps.size() / window;
        double[] x = new double[points], answer = new double[points], cls = new double[points];
        double[] patch = new double[points];
        for (int p = 0; p < points; p++) {
            double a = 0, c = 0, q = 0;
            int finite = 0;
            for (int i = p * window; i < (p + 1) * window; i++) {
                // Skipped (non-finite) steps carry NaN losses; they do not count towards the mean.
                if (Float.isFinite(steps.get(i).loss())) {
                    a += steps.get(i).answerLoss();
                    c += steps.get(i).presenceLoss();
                    q += steps.get(i).patchLoss();
                    finite++;
                }
            }
            x[p] = steps.get((p + 1) * window - 1).step();
            answer[p] = finite == 0 ? Double.NaN : a / finite;
            cls[p] = finite == 0 ? Double.NaN : c / finite;
            patch[p] = finite == 0 ? Double.NaN : q / finite;
        }
        LineChart chart = new LineChart("Training loss (mean of " + window + " steps)", "step", "loss")
                .add(new LineChart.Series("answer cross-entropy", x, answer))
                .add(new LineChart.Series("[CLS] presence BCE", x, cls))
                .add(new LineChart.Series("patch class CE", x, patch));
        if (!checks.isEmpty()) {
            double[] cx = new double[checks.size()], cy = new double[checks.size()];
            for (int i = 0; i < checks.size(); i++) {
                cx[i] = checks.get(i).step();
                cy[i] = checks.get(i).answerLoss();
            }
            chart.add(new LineChart.Series("held-out answer loss", cx, cy));
        }
        return chart;
    }
}
