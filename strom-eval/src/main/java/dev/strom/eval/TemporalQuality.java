package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;

import java.awt.Color;
import java.util.Comparator;

/**
 * Pixel-level readings of a world clip, needing no learned probe: the background colour is the clip's most
 * common colour, the object is what differs from it. Besides the temporal measures, they tell which background
 * a clip shows and what colour its object has, so edits and motion can be checked against ground truth.
 */
public final class TemporalQuality {

    private static final int OBJECT_DISTANCE = 60;

    private TemporalQuality() {
    }

    /** Per-channel median colour over all frames: the background of a world clip. */
    static int[] background(Clip c) {
        int[] out = new int[3];
        for (int k = 0; k < 3; k++) {
            int[] hist = new int[256];
            for (int t = 0; t < c.frames(); t++)
                for (int y = 0; y < c.height(); y++)
                    for (int x = 0; x < c.width(); x++) hist[c.pixel(t, y, x, k)]++;
            int half = c.frames() * c.height() * c.width() / 2, acc = 0;
            for (int v = 0; v < 256; v++) {
                acc += hist[v];
                if (acc >= half) {
                    out[k] = v;
                    break;
                }
            }
        }
        return out;
    }

    /** The built-in world's background hue nearest to the clip's background colour. */
    public static Hue backgroundHue(Clip c) {
        return nearestBackground(background(c));
    }

    private static Hue nearestBackground(int[] bg) {
        return CaptionedWorld.BACKGROUNDS.stream()
                .min(Comparator.comparingDouble(h -> distance(bg, h.color())))
                .orElseThrow();
    }

    /** How near (Euclidean, 8-bit RGB) a pixel must be to a hue to count as painted in it rather than blended. */
    private static final double PURE = 30;

    /**
     * The hue most of the object's pixels are painted in, over all frames: each object pixel near one of the
     * world's colours (other than the background's) votes for it; blends at the edges are near none and do
     * not vote. Null when no frame shows an object.
     */
    public static Hue objectHue(Clip c) {
        int[] bg = background(c);
        Hue background = nearestBackground(bg);
        int[] votes = new int[Hue.values().length];
        int[] rgb = new int[3];
        for (int t = 0; t < c.frames(); t++)
            for (int y = 0; y < c.height(); y++)
                for (int x = 0; x < c.width(); x++) {
                    if (!isObject(c, t, y, x, bg)) continue;
                    for (int k = 0; k < 3; k++) rgb[k] = c.pixel(t, y, x, k);
                    for (Hue h : Hue.values()) {
                        if (h != background && distance(rgb, h.color()) <= PURE) votes[h.ordinal()]++;
                    }
                }
        int best = -1;
        for (int h = 0; h < votes.length; h++) {
            if (votes[h] > 0 && (best < 0 || votes[h] > votes[best])) best = h;
        }
        return best < 0 ? null : Hue.values()[best];
    }

    private static double distance(int[] rgb, Color c) {
        double dr = rgb[0] - c.getRed(), dg = rgb[1] - c.getGreen(), db = rgb[2] - c.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** Whether a pixel is an object's: more than {@link #OBJECT_DISTANCE} (sum over RGB, 8-bit) from the background {@code bg}. */
    static boolean isObject(Clip c, int t, int y, int x, int[] bg) {
        int d = 0;
        for (int k = 0; k < 3; k++) d += Math.abs(c.pixel(t, y, x, k) - bg[k]);
        return d > OBJECT_DISTANCE;
    }

    /**
     * Mean absolute frame-to-frame change (8-bit levels) over pixels that are background in every frame. Where no pixel
     * is (a background that switches colour, say), over every pixel: such a clip flickers as a whole, and reading it
     * as 0 would score the worst clips best.
     */
    public static double flicker(Clip c) {
        int[] bg = background(c);
        double still = change(c, bg);
        return Double.isNaN(still) ? change(c, null) : still;
    }

    /** Mean absolute frame-to-frame change over the pixels that are {@code bg} in every frame (all, if null); NaN over none. */
    private static double change(Clip c, int[] bg) {
        double sum = 0;
        long n = 0;
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                boolean still = true;
                for (int t = 0; t < c.frames() && still && bg != null; t++) still = !isObject(c, t, y, x, bg);
                if (!still) continue;
                for (int t = 1; t < c.frames(); t++) {
                    for (int k = 0; k < 3; k++) sum += Math.abs(c.pixel(t, y, x, k) - c.pixel(t - 1, y, x, k));
                    n += 3;
                }
            }
        }
        return n == 0 ? (c.frames() < 2 ? 0 : Double.NaN) : sum / n;
    }

    /** Frames whose mean object area is a long clip's opening size ({@link #swells}, {@link #cameBack}). */
    static final int OPENING_FRAMES = 4;
    /** An object is in the picture when at least this many of its pixels are ({@link #isObject}); fewer: it has left. */
    static final int VISIBLE_PIXELS = 4;
    /** The smallest opening size a long clip's swelling is measured against: a speck that grows to a small object has not swelled. */
    static final double SMALLEST_OPENING = 20;

    /** An object's mean area over the first {@link #OPENING_FRAMES} frames of a tracked clip ({@link #track}). */
    private static double opening(double[][] tr) {
        double sum = 0;
        int q = Math.min(OPENING_FRAMES, tr.length);
        for (int t = 0; t < q; t++) {
            sum += tr[t][2];
        }
        return sum / q;
    }

    /**
     * Whether the object of a tracked clip ({@link #track}) swells: in some frame it covers more than three times its
     * opening size (at least {@link #SMALLEST_OPENING} px). A long video whose windows lose the object paint a blob
     * that spreads over the picture; the world's objects, grow as they may, stay within that.
     */
    public static boolean swells(double[][] tr) {
        double limit = 3 * Math.max(opening(tr), SMALLEST_OPENING);
        for (double[] f : tr) {
            if (f[2] > limit) {
                return true;
            }
        }
        return false;
    }

    /** Whether the object of a tracked clip leaves the picture: a frame after the opening with fewer than {@link #VISIBLE_PIXELS} of it. */
    public static boolean leaves(double[][] tr) {
        return firstGone(tr) >= 0;
    }

    /**
     * Whether something is painted where the object was after it left the picture: once gone ({@link #leaves}), a
     * later frame shows an object of at least half its opening size again. The world's objects do not come back.
     */
    public static boolean cameBack(double[][] tr) {
        int gone = firstGone(tr);
        if (gone < 0) {
            return false;
        }
        double half = Math.max(VISIBLE_PIXELS, opening(tr) / 2);
        for (int t = gone + 1; t < tr.length; t++) {
            if (tr[t][2] >= half) {
                return true;
            }
        }
        return false;
    }

    private static int firstGone(double[][] tr) {
        for (int t = OPENING_FRAMES; t < tr.length; t++) {
            if (tr[t][2] < VISIBLE_PIXELS) {
                return t;
            }
        }
        return -1;
    }

    /** Object centre (x, y) and area per frame; NaN centre where no object pixel is seen. */
    public static double[][] track(Clip c) {
        int[] bg = background(c);
        double[][] out = new double[c.frames()][3];
        for (int t = 0; t < c.frames(); t++) {
            double sx = 0, sy = 0, n = 0;
            for (int y = 0; y < c.height(); y++)
                for (int x = 0; x < c.width(); x++)
                    if (isObject(c, t, y, x, bg)) {
                        sx += x;
                        sy += y;
                        n++;
                    }
            out[t] = new double[]{n > 0 ? sx / n : Double.NaN, n > 0 ? sy / n : Double.NaN, n};
        }
        return out;
    }

    /**
     * Whether the tracked object moves the prompted way: for left/right/up/down the centre's displacement
     * from the first to the last quarter of the clip, for grow/shrink the area. Null for motions without a
     * direction (bounce, spin, stay).
     */
    public static Boolean movesAsPrompted(Clip c, Motion m) {
        return movesAsPrompted(track(c), c.width(), m);
    }

    /** As {@link #movesAsPrompted(Clip, Motion)} for a clip {@code width} pixels wide already tracked ({@link #track}). */
    public static Boolean movesAsPrompted(double[][] tr, int width, Motion m) {
        int frames = tr.length;
        int q = Math.max(1, frames / 4);
        double[] first = average(tr, 0, q);
        double[] last = average(tr, frames - q, frames);
        double minShift = width * 0.1;
        return switch (m) {
            case LEFT -> last[0] - first[0] < -minShift;
            case RIGHT -> last[0] - first[0] > minShift;
            case UP -> last[1] - first[1] < -minShift;
            case DOWN -> last[1] - first[1] > minShift;
            case GROW -> last[2] > first[2] * 1.3;
            case SHRINK -> last[2] < first[2] / 1.3;
            default -> null;
        };
    }

    /**
     * Whether the tracked object ({@link #track}) ends the clip at about the size it started: its mean area over the
     * last quarter within half to twice that over the first, frames without it counting as none. Why: an object that
     * swells on one side moves its centre as well, so {@link #movesAsPrompted} counts a blob spreading left as an
     * object moving left.
     */
    public static boolean keepsItsSize(double[][] tr) {
        int frames = tr.length;
        int q = Math.max(1, frames / 4);
        double first = 0;
        double last = 0;
        // frames where the object is gone count as area 0: a vanishing object is not whole
        for (int t = 0; t < q; t++) {
            first += tr[t][2];
            last += tr[frames - q + t][2];
        }
        return first > 0 && last >= 0.5 * first && last <= 2 * first;
    }

    private static double[] average(double[][] tr, int from, int to) {
        double[] s = new double[3];
        int n = 0;
        for (int t = from; t < to; t++) {
            if (Double.isNaN(tr[t][0])) continue;
            for (int k = 0; k < 3; k++) s[k] += tr[t][k];
            n++;
        }
        if (n == 0) return new double[]{Double.NaN, Double.NaN, 0};
        for (int k = 0; k < 3; k++) s[k] /= n;
        return s;
    }
}
