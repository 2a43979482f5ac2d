package dev.strom.cli;

import dev.strom.data.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The training curve: one row per step, written as CSV and drawn as a PNG. */
final class LossLog {

    /**
     * One step; {@code contrast} is the mean caption-contrast cross-entropy (nats), {@code future} the mean
     * future-contrast cross-entropy (nats) and {@code futureTruthFirst} the share of contrasted clips whose true
     * continuation was the likeliest candidate: each NaN where the step had none.
     */
    record Row(int step, double loss, double bitsPerDim, double gradNorm, double learningRate, double seconds,
               double contrast, double future, double futureTruthFirst) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row r) {
        rows.add(r);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    static LossLog read(Path csv, int upToStep) throws IOException {
        LossLog log = new LossLog();
        if (Files.exists(csv)) {
            for (String line : Files.readAllLines(csv)) {
                if (line.startsWith("step")) continue;
                String[] f = line.split(",");
                int step = Integer.parseInt(f[0]);
                if (step < upToStep) {
                    log.add(new Row(step, Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                            Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                            column(f, 6), column(f, 7), column(f, 8)));
                }
            }
        }
        return log;
    }

    /** An optional column: logs written before it existed lack it. */
    private static double column(String[] f, int i) {
        return f.length > i ? Double.parseDouble(f[i]) : Double.NaN;
    }

    void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("step,loss,bits_per_dim,grad_norm,learning_rate,seconds,contrast,future,future_truth_first\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.8f,%.3f,%.6f,%.6f,%.4f%n", r.step, r.loss, r.bitsPerDim,
                    r.gradNorm, r.learningRate, r.seconds, r.contrast, r.future, r.futureTruthFirst));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Bits/dim per step (light) and its running mean (dark), on a plain chart. */
    void writePng(Path file, String title) throws IOException {
        int w = 800, h = 420, left = 60, right = 20, top = 40, bottom = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.drawString(title + " - bits/dim by step", left, 24);
        if (!rows.isEmpty()) {
            double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
            for (Row r : rows) {
                if (Double.isFinite(r.bitsPerDim)) {
                    min = Math.min(min, r.bitsPerDim);
                    max = Math.max(max, r.bitsPerDim);
                }
            }
            if (max - min < 1e-6) max = min + 1;
            int lastStep = Math.max(1, rows.get(rows.size() - 1).step);
            int pw = w - left - right, ph = h - top - bottom;
            g.drawRect(left, top, pw, ph);
            for (int i = 0; i <= 4; i++) {
                double v = min + (max - min) * i / 4;
                int y = top + ph - (int) (ph * i / 4.0);
                g.drawString(String.format(Locale.ROOT, "%.2f", v), 8, y + 4);
            }
            g.drawString("0", left, h - 20);
            g.drawString(String.valueOf(lastStep), w - right - 40, h - 20);
            Path2D raw = new Path2D.Double();
            Path2D smooth = new Path2D.Double();
            double ema = rows.get(0).bitsPerDim;
            boolean first = true;
            for (Row r : rows) {
                if (!Double.isFinite(r.bitsPerDim)) continue;
                ema = 0.95 * ema + 0.05 * r.bitsPerDim;
                double x = left + pw * (double) r.step / lastStep;
                double yr = top + ph * (1 - (r.bitsPerDim - min) / (max - min));
                double ys = top + ph * (1 - (ema - min) / (max - min));
                if (first) {
                    raw.moveTo(x, yr);
                    smooth.moveTo(x, ys);
                    first = false;
                } else {
                    raw.lineTo(x, yr);
                    smooth.lineTo(x, ys);
                }
            }
            g.setColor(new Color(150, 180, 230));
            g.draw(raw);
            g.setColor(new Color(20, 60, 160));
            g.setStroke(new BasicStroke(2f));
            g.draw(smooth);
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }
}
