package dev.vscan.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A line chart with labelled axes and a legend, written as PNG. */
public final class LineChart {

    /**
     * One line: its name and its points, drawn in the given order. Lines with the same {@code colourKey}
     * share a colour (a dashed one next to a solid one shows two variants of one thing).
     */
    public record Series(String name, double[] x, double[] y, String colourKey, boolean dashed) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x and " + y.length + " y values");
            }
        }

        /** A solid line in a colour of its own. */
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, name, false);
        }
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private Double yMin;
    private Double yMax;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart add(Series line) {
        series.add(line);
        return this;
    }

    /** Fixes the y range instead of fitting it to the data. */
    public LineChart yRange(double min, double max) {
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    public void writePng(Path file, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, width, height);
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }

    private void draw(Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 70, right = width - 230, top = 40, bottom = height - 55;
        double[] xs = bounds(true), ys = bounds(false);
        double x0 = xs[0], x1 = xs[1], y0 = yMin != null ? yMin : ys[0], y1 = yMax != null ? yMax : ys[1];
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, right - left, bottom - top);
        for (int i = 0; i <= 5; i++) {
            double xv = x0 + (x1 - x0) * i / 5, yv = y0 + (y1 - y0) * i / 5;
            int px = left + (right - left) * i / 5, py = bottom - (bottom - top) * i / 5;
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(left + 1, py, right - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(format(xv), px - 12, bottom + 16);
            g.drawString(format(yv), left - 45, py + 4);
        }
        g.drawString(xLabel, (left + right) / 2 - 40, height - 15);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(top + bottom) / 2 - 40, 15);
        rotated.dispose();
        List<String> colourKeys = new ArrayList<>();
        BasicStroke solid = new BasicStroke(2f);
        BasicStroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 4f}, 0f);
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            if (!colourKeys.contains(line.colourKey())) {
                colourKeys.add(line.colourKey());
            }
            g.setColor(PALETTE[colourKeys.indexOf(line.colourKey()) % PALETTE.length]);
            g.setStroke(line.dashed() ? dashed : solid);
            int prevX = 0, prevY = 0;
            for (int i = 0; i < line.x().length; i++) {
                int px = (int) Math.round(left + (line.x()[i] - x0) / (x1 - x0) * (right - left));
                int py = (int) Math.round(bottom - (clamp(line.y()[i], y0, y1) - y0) / (y1 - y0) * (bottom - top));
                if (i > 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                if (line.x().length <= 12) {
                    g.fillOval(px - 3, py - 3, 7, 7);
                }
                prevX = px;
                prevY = py;
            }
            g.drawLine(right + 12, top + 12 + s * 20, right + 30, top + 12 + s * 20);
            g.setColor(Color.BLACK);
            g.drawString(line.name(), right + 35, top + 16 + s * 20);
        }
    }

    private double[] bounds(boolean xAxis) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Series line : series) {
            for (double v : xAxis ? line.x() : line.y()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return Double.isFinite(min) ? new double[] {min, max} : new double[] {0, 1};
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static String format(double v) {
        double abs = Math.abs(v);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return abs >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
