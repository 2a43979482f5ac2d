package dev.strom.media;

import dev.strom.data.Clip;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.HashMap;
import java.util.Map;

/** A 256-colour palette for GIFs: the clip's most frequent colours, others mapped to the nearest. */
final class Palette {

    private Palette() {
    }

    static IndexColorModel of(Clip clip) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int t = 0; t < clip.frames(); t++) {
            for (int y = 0; y < clip.height(); y++) {
                for (int x = 0; x < clip.width(); x++) {
                    int rgb = (clip.pixel(t, y, x, 0) << 16) | (clip.pixel(t, y, x, 1) << 8) | clip.pixel(t, y, x, 2);
                    counts.merge(rgb, 1, Integer::sum);
                }
            }
        }
        int[] top = counts.entrySet().stream()
                .sorted((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey() - b.getKey())
                .limit(256).mapToInt(Map.Entry::getKey).toArray();
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < top.length; i++) {
            r[i] = (byte) (top[i] >> 16);
            g[i] = (byte) (top[i] >> 8);
            b[i] = (byte) top[i];
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    static BufferedImage apply(BufferedImage rgb, IndexColorModel palette) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, palette);
        Map<Integer, Integer> cache = new HashMap<>();
        int n = palette.getMapSize();
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int c = rgb.getRGB(x, y) & 0xffffff;
                int index = cache.computeIfAbsent(c, k -> {
                    int best = 0;
                    long bestD = Long.MAX_VALUE;
                    for (int i = 0; i < n; i++) {
                        long dr = ((k >> 16) & 0xff) - palette.getRed(i);
                        long dg = ((k >> 8) & 0xff) - palette.getGreen(i);
                        long db = (k & 0xff) - palette.getBlue(i);
                        long d = dr * dr + dg * dg + db * db;
                        if (d < bestD) {
                            bestD = d;
                            best = i;
                        }
                    }
                    return best;
                });
                out.getRaster().setSample(x, y, 0, index);
            }
        }
        return out;
    }
}
