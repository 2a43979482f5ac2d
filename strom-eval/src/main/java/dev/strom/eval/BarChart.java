package dev.strom.eval;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** A plain horizontal bar chart as PNG bytes, for reports that must open offline. */
public final class BarChart {

    private BarChart() {
    }

    public static byte[] png(String title, Map<String, Double> bars, String unit) throws IOException {
        int rowH = 26, left = 230, right = 90, top = 40;
        int w = 760, h = top + rowH * bars.size() + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 14f));
        g.drawString(title, 10, 24);
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 12f));
        double max = bars.values().stream().filter(Double::isFinite).mapToDouble(Math::abs).max().orElse(1);
        int y = top;
        for (Map.Entry<String, Double> e : bars.entrySet()) {
            double v = e.getValue();
            int len = Double.isFinite(v) ? (int) ((w - left - right) * Math.abs(v) / Math.max(max, 1e-12)) : 0;
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), 10, y + 17);
            g.setColor(new Color(60, 110, 190));
            g.fillRect(left, y + 4, len, rowH - 8);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3f %s", v, unit), left + len + 6, y + 17);
            y += rowH;
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
