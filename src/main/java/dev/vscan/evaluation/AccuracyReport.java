package dev.vscan.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.plot.LineChart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An evaluation's results as JSON, as a Markdown table and as a plot of accuracy against budget. */
public final class AccuracyReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String model;
    private final long seed;
    private final List<MethodResult> results;

    public AccuracyReport(String model, long seed, List<MethodResult> results) {
        this.model = model;
        this.seed = seed;
        this.results = List.copyOf(results);
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("held_out_seed", seed);
        root.put("questions", results.isEmpty() ? 0 : results.get(0).questions());
        ArrayNode list = root.putArray("results");
        for (MethodResult r : results) {
            ObjectNode o = list.addObject();
            o.put("method", r.method());
            o.put("positions", r.positions());
            o.put("budget_fraction", round(r.budgetFraction(), 4));
            o.put("accuracy", round(r.accuracy(), 4));
            ObjectNode families = o.putObject("accuracy_by_family");
            r.accuracyByFamily().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> families.put(e.getKey(), round(e.getValue(), 4)));
            o.put("prefill_ms", round(r.prefillMs(), 2));
            o.put("mean_visual_tokens", round(r.meanVisualTokens(), 1));
            if (!r.note().isEmpty()) {
                o.put("note", r.note());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the evaluation as JSON", e);
        }
    }

    /** One row per method and budget; family columns in a fixed order. */
    public String markdown(List<String> families) {
        StringBuilder s = new StringBuilder("| method | budget | visual tokens (mean/layer) | accuracy | ");
        families.forEach(f -> s.append(f).append(" | "));
        s.append("LLM prefill ms |\n|---|---:|---:|---:|");
        families.forEach(f -> s.append("---:|"));
        s.append("---:|\n");
        for (MethodResult r : results) {
            s.append(String.format(Locale.ROOT, "| %s | %.0f%% | %.1f | %.1f%% | ", r.displayName(), r.budgetFraction() * 100,
                    r.meanVisualTokens(), r.accuracy() * 100));
            for (String f : families) {
                Double a = r.accuracyByFamily().get(f);
                s.append(a == null ? "-" : String.format(Locale.ROOT, "%.1f%%", a * 100)).append(" | ");
            }
            s.append(String.format(Locale.ROOT, "%.1f |%s%n", r.prefillMs(), r.note().isEmpty() ? "" : " *"));
        }
        return s.toString();
    }

    /** Accuracy against budget share, one line per method; {@code none} as a flat reference line. */
    public void plot(Path file) {
        Map<String, List<MethodResult>> byMethod = new LinkedHashMap<>();
        for (MethodResult r : results) {
            byMethod.computeIfAbsent(r.displayName(), m -> new ArrayList<>()).add(r);
        }
        LineChart chart = new LineChart("Held-out accuracy by visual-token budget", "share of visual tokens kept",
                "accuracy").yRange(0, 1);
        MethodResult none = byMethod.containsKey("none") ? byMethod.remove("none").get(0) : null;
        double lo = 1, hi = 0;
        for (MethodResult r : results) {
            if (!"none".equals(r.method())) {
                lo = Math.min(lo, r.budgetFraction());
                hi = Math.max(hi, r.budgetFraction());
            }
        }
        if (none != null) {
            chart.add(new LineChart.Series("none (all tokens)", new double[] {lo, hi},
                    new double[] {none.accuracy(), none.accuracy()}));
        }
        for (Map.Entry<String, List<MethodResult>> e : byMethod.entrySet()) {
            List<MethodResult> rows = new ArrayList<>(e.getValue());
            rows.sort((a, b) -> Double.compare(a.budgetFraction(), b.budgetFraction()));
            double[] x = new double[rows.size()], y = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                x[i] = rows.get(i).budgetFraction();
                y[i] = rows.get(i).accuracy();
            }
            MethodResult first = rows.get(0);
            chart.add(new LineChart.Series(e.getKey(), x, y, first.method(), "original".equals(first.positions())));
        }
        chart.writePng(file, 900, 520);
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
