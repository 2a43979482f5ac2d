package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * An invisible, blind watermark in the pixels of every frame. The centre of the frame is divided into a
 * 26x26 grid of cells; each cell's brightness moves by about 3 levels, up or down according to one payload
 * bit times a fixed pseudo-random sign. Every bit owns 10 or 11 cells scattered over the grid, and every
 * frame carries the same pattern, so the detector can average frames, survive dropped frames and
 * re-encoding (a static pattern is what inter-frame coding keeps), and find the grid again after scaling or
 * a centred crop by trying frame scales. Cells where the picture's own structure is far stronger than any
 * mark (object edges) are left out of the reading, and the embedder, which reads its own output before it is
 * written, does not spend budget on them. The decision "marked or not" is a score, the mean reliability of
 * the 64 soft bits, against a threshold calibrated on unmarked clips (ProvenanceBenchmark measures the
 * false-positive rate).
 */
public final class Watermark {

    static final int GRID = 26;
    /**
     * The grid covers the central 26/32 of the frame, about what a 10%-per-side crop keeps; at Strom's 32-pixel
     * native size each cell is exactly one upscaled model pixel, so the picture is flat inside every cell.
     */
    static final double COVER = 26.0 / 32;
    /**
     * The mean squared change per pixel value that marking may cost (PSNR 40.3 dB before coding); the codec's
     * own error on top keeps the decoded file above 38 dB against the unmarked one.
     */
    static final double PIXEL_MSE = 6.0;
    /** Brightness shift in levels with no picture to compensate: all the budget spread evenly over the grid. */
    static final double AMPLITUDE = Math.sqrt(PIXEL_MSE / (COVER * COVER));
    /** The most one bit may be marked more strongly than the others. */
    private static final double MAX_GAIN = 3.0;
    /** The soft value, in standard deviations, the embedder wants every bit to read before the file is coded. */
    private static final double TARGET = 2.5;
    /**
     * Each round strengthens this many of the weakest bits. Strengthening more of them at once lowers the score,
     * which is highest when all bits are marked alike: the budget goes only where bits are about to flip.
     */
    private static final int WEAKEST = 4;
    /** Rounds of "detect, then strengthen the weakest bits" the embedder may take. */
    private static final int ROUNDS = 12;
    /** Decision threshold on the score; see {@link #detect}. Calibrated on unmarked clips (ProvenanceBenchmark). */
    static final double THRESHOLD = 1.4;
    /** Crops up to this share of the frame (centred) are searched for. */
    private static final double MAX_SCALE = 1.7;
    private static final double SCALE_STEP = 0.01;
    /** Residuals beyond this many medians are left out of the detection. */
    private static final double OUTLIER = 2.5;
    private static final long KEY = 0x5354524f4d574d31L; // "STROMWM1": the public key anyone verifies with
    private static final int[] BIT_OF_CELL = new int[GRID * GRID];
    private static final int[] SIGN_OF_CELL = new int[GRID * GRID];

    static {
        SplittableRandom rng = new SplittableRandom(KEY);
        int[] cells = new int[GRID * GRID];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = i;
        }
        for (int i = cells.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = cells[i];
            cells[i] = cells[j];
            cells[j] = t;
        }
        for (int i = 0; i < cells.length; i++) {
            BIT_OF_CELL[cells[i]] = i % WatermarkPayload.BITS;
            SIGN_OF_CELL[i] = rng.nextBoolean() ? 1 : -1;
        }
    }

    private final WatermarkPayload payload;
    /** Per bit, the brightness shift of its cells in levels. */
    private final double[] amplitude;
    /** Cells left unmarked: the picture there is so busy that the detector leaves them out anyway. */
    private final boolean[] muted;

    private Watermark(WatermarkPayload payload, double[] amplitude, boolean[] muted) {
        this.payload = payload;
        this.amplitude = amplitude;
        this.muted = muted;
    }

    /**
     * The watermark for one clip, as it will be stored (upscaled by {@code scale}). The embedder knows the
     * picture, so it runs the detector on the marked frames before they leave, and in rounds:
     * <ul>
     * <li>marks the {@value #WEAKEST} bits the picture drags lowest more strongly (up to {@value #MAX_GAIN}
     * times the others), until every bit reads {@value #TARGET} standard deviations or more;</li>
     * <li>leaves unmarked the cells where the picture is so busy that the detector will leave them out;</li>
     * <li>scales all strengths to spend exactly the {@link #PIXEL_MSE} budget, counted on what the frames
     * actually change: where the picture is black or white, shifts past the end of the range are lost, and
     * what they did not spend goes to the rest.</li>
     * </ul>
     * It keeps the round whose weakest bit read highest.
     */
    public static Watermark informed(WatermarkPayload payload, Clip clip, int scale) {
        Host host = new Host(clip, scale);
        double[] gain = new double[WatermarkPayload.BITS];
        Arrays.fill(gain, 1);
        boolean[] muted = new boolean[GRID * GRID];
        double budget = host.cost(scaled(payload, gain, AMPLITUDE, muted), false);
        Watermark best = null;
        double bestMargin = Double.NEGATIVE_INFINITY;
        for (int round = 0; round < ROUNDS; round++) {
            Watermark mark = host.strongestWithin(budget, payload, gain, muted);
            // the detector searches frame scales, and a scale where the picture's own structure reads larger
            // than the mark would win with wrong bits: the margins are taken where the detector looks
            double[] marked = host.marked(mark);
            double[] soft = host.read(marked).soft();
            double[] margin = new double[soft.length];
            for (int k = 0; k < soft.length; k++) {
                margin[k] = (payload.bit(k) ? 1 : -1) * soft[k];
            }
            double[] sorted = margin.clone();
            Arrays.sort(sorted);
            if (sorted[0] > bestMargin) {
                best = mark;
                bestMargin = sorted[0];
            }
            if (sorted[0] >= TARGET) {
                break;
            }
            double weak = Math.min(TARGET, sorted[WEAKEST - 1]);
            boolean raised = false;
            for (int k = 0; k < soft.length; k++) {
                if (margin[k] <= weak && gain[k] < MAX_GAIN) {
                    gain[k] = Math.min(MAX_GAIN, gain[k] * 1.25);
                    raised = true;
                }
            }
            if (!raised) {
                break;
            }
            muted = host.beyondReach(marked);
        }
        return best;
    }

    private static Watermark scaled(WatermarkPayload payload, double[] gain, double base, boolean[] muted) {
        double[] amplitude = new double[gain.length];
        for (int k = 0; k < gain.length; k++) {
            amplitude[k] = gain[k] * base;
        }
        return new Watermark(payload, amplitude, muted);
    }

    /**
     * The clip about to be marked, as the embedder sees it: what a mark costs it and what the detector reads.
     * A stored pixel's shift depends only on its cell, its checkerboard colour and the native pixel it was
     * upscaled from, so the stored frame is counted once as groups of such pixels.
     */
    private static final class Host {
        private final int width;
        private final int height;
        private final int samples;
        private final double[] meanLuma;
        /** The unmarked picture's cell residuals, as the detector reads them at scale 1. */
        private final double[] plainResiduals;
        /** Per native pixel, its R, G and B values over all frames, and the lowest and highest of them. */
        private final int[][] values;
        private final int[] lowest;
        private final int[] highest;
        /** Per group: cell, checkerboard colour, native pixel and how many stored pixels it holds. */
        private final int[] groupCell;
        private final int[] groupParity;
        private final int[] groupPixel;
        private final int[] groupSize;
        /** Per stored pixel, its group, or -1 outside the grid. */
        private final int[] groupOf;

        Host(Clip clip, int scale) {
            width = clip.width() * scale;
            height = clip.height() * scale;
            int pixels = clip.width() * clip.height();
            samples = clip.frames() * 3;
            values = new int[pixels][samples];
            lowest = new int[pixels];
            highest = new int[pixels];
            byte[] rgb = clip.rgb();
            for (int p = 0; p < pixels; p++) {
                lowest[p] = 255;
                for (int i = 0; i < samples; i++) {
                    int v = rgb[((i / 3) * pixels + p) * 3 + i % 3] & 0xff;
                    values[p][i] = v;
                    lowest[p] = Math.min(lowest[p], v);
                    highest[p] = Math.max(highest[p], v);
                }
            }
            double[] lumaOfNativePixel = meanLuma(clip);
            meanLuma = new double[width * height];
            groupOf = new int[width * height];
            Map<Long, Integer> groups = new HashMap<>();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = (y / scale) * clip.width() + x / scale;
                    meanLuma[y * width + x] = lumaOfNativePixel[p];
                    int c = cellAt(x, y, width, height);
                    groupOf[y * width + x] = c < 0 ? -1
                            : groups.computeIfAbsent(((long) c * 2 + ((x + y) & 1)) * pixels + p, k -> groups.size());
                }
            }
            groupCell = new int[groups.size()];
            groupParity = new int[groups.size()];
            groupPixel = new int[groups.size()];
            groupSize = new int[groups.size()];
            groups.forEach((key, g) -> {
                groupPixel[g] = (int) (key % pixels);
                groupParity[g] = (int) (key / pixels % 2);
                groupCell[g] = (int) (key / pixels / 2);
            });
            for (int g : groupOf) {
                if (g >= 0) {
                    groupSize[g]++;
                }
            }
            plainResiduals = residuals(integral(meanLuma, width, height, 1), width, height, 1.0);
        }

        private int[] shifts(Watermark mark) {
            int[] d = new int[groupCell.length];
            for (int g = 0; g < d.length; g++) {
                d[g] = mark.shift(groupCell[g], groupParity[g]);
            }
            return d;
        }

        /** Whether a shift of {@code d} keeps every value of native pixel {@code p} inside 0..255. */
        private boolean unclamped(int p, int d) {
            return lowest[p] + d >= 0 && highest[p] + d <= 255;
        }

        /** The squared change that marking makes, summed over stored pixels, frames and colour channels. */
        double cost(Watermark mark, boolean clamped) {
            int[] d = shifts(mark);
            double total = 0;
            for (int g = 0; g < d.length; g++) {
                int p = groupPixel[g];
                double change = 0;
                if (!clamped || unclamped(p, d[g])) {
                    change = (double) d[g] * d[g] * samples;
                } else {
                    for (int v : values[p]) {
                        int c = clamp(v + d[g]) - v;
                        change += c * c;
                    }
                }
                total += change * groupSize[g];
            }
            return total;
        }

        /** The given strengths, scaled as far as the budget allows (the cost only grows with the strength). */
        Watermark strongestWithin(double budget, WatermarkPayload payload, double[] gain, boolean[] muted) {
            double lo = 0, hi = 2 * AMPLITUDE;
            for (int i = 0; i < 20; i++) {
                double mid = (lo + hi) / 2;
                if (cost(scaled(payload, gain, mid, muted), true) <= budget) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return scaled(payload, gain, lo, muted);
        }

        /** What the detector reads from marked frames (see {@link #marked}) at the size they are stored. */
        Reading read(double[] marked) {
            return Watermark.read(marked, width, height);
        }

        /**
         * The cells whose unmarked residual lies beyond the detector's outlier limit for the marked frames:
         * the detector will leave them out, so marking them would spend budget for nothing.
         */
        boolean[] beyondReach(double[] marked) {
            double limit = outlierLimit(residuals(marked, width, height, 1.0));
            boolean[] beyond = new boolean[GRID * GRID];
            for (int c = 0; c < beyond.length; c++) {
                beyond[c] = Math.abs(plainResiduals[c]) > limit;
            }
            return beyond;
        }

        /** The summed-area table of the marked frames' mean luma, at the size they are stored. */
        double[] marked(Watermark mark) {
            int[] d = shifts(mark);
            double[] lumaOfGroup = new double[d.length];
            for (int g = 0; g < d.length; g++) {
                int p = groupPixel[g];
                lumaOfGroup[g] = unclamped(p, d[g]) ? Double.NaN : clampedLuma(p, d[g]);
            }
            double[] luma = meanLuma.clone();
            for (int i = 0; i < luma.length; i++) {
                int g = groupOf[i];
                if (g >= 0) {
                    luma[i] = Double.isNaN(lumaOfGroup[g]) ? luma[i] + d[g] : lumaOfGroup[g];
                }
            }
            return integral(luma, width, height, 1);
        }

        private double clampedLuma(int p, int d) {
            double sum = 0;
            int[] v = values[p];
            for (int i = 0; i < v.length; i += 3) {
                sum += 0.299 * clamp(v[i] + d) + 0.587 * clamp(v[i + 1] + d) + 0.114 * clamp(v[i + 2] + d);
            }
            return sum / (v.length / 3);
        }
    }

    /** The filter that marks every frame ClipWriter encodes. */
    public ClipWriter.FrameFilter filter() {
        return (t, image) -> embed(image);
    }

    /** Adds the pattern to one frame in place (the same shift on R, G and B, so only brightness changes). */
    public void embed(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int d = shift(x, y, w, h);
                int p = row[x];
                row[x] = (clamp(((p >> 16) & 0xff) + d) << 16) | (clamp(((p >> 8) & 0xff) + d) << 8) | clamp((p & 0xff) + d);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
    }

    /**
     * The brightness change at one pixel: 0 outside the grid, else the cell's sign times its bit's amplitude,
     * rounded up on one colour of a fine checkerboard and down on the other so the mean is right.
     */
    private int shift(int x, int y, int w, int h) {
        int c = cellAt(x, y, w, h);
        return c < 0 ? 0 : shift(c, (x + y) & 1);
    }

    /** The grid cell that stored pixel (x, y) lies in, or -1 outside the grid. */
    private static int cellAt(int x, int y, int w, int h) {
        double gx = (x + 0.5 - w / 2.0) / (COVER * w) + 0.5;
        double gy = (y + 0.5 - h / 2.0) / (COVER * h) + 0.5;
        if (gx < 0 || gy < 0 || gx >= 1 || gy >= 1) {
            return -1;
        }
        return (int) (gy * GRID) * GRID + (int) (gx * GRID);
    }

    private int shift(int cell, int parity) {
        if (muted[cell]) {
            return 0;
        }
        return chip(cell, payload) * (int) Math.floor(amplitude[BIT_OF_CELL[cell]] + (parity == 0 ? 0.25 : 0.75));
    }

    private static int chip(int cell, WatermarkPayload payload) {
        return SIGN_OF_CELL[cell] * (payload.bit(BIT_OF_CELL[cell]) ? 1 : -1);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /**
     * Reads the watermark from frames at the size they were stored (after whatever happened to them).
     * For each candidate scale (how much larger the marked frame was than what remains, 1 to 1.7) the cells'
     * mean brightness, minus the mean of their neighbours, is correlated with each bit's signs. The score is
     * the mean over bits of |soft bit| / its standard deviation under "no watermark" (about 0.8 for unmarked
     * frames); the best scale wins.
     */
    public static WatermarkDetection detect(Clip frames) {
        Reading r = read(integral(meanLuma(frames), frames.width(), frames.height(), 1), frames.width(), frames.height());
        long bits = 0;
        double reliability = 0;
        for (int k = 0; k < WatermarkPayload.BITS; k++) {
            bits = (bits << 1) | (r.soft[k] > 0 ? 1 : 0);
            reliability += normalCdf(Math.abs(r.soft[k]));
        }
        return new WatermarkDetection(r.score > THRESHOLD, WatermarkPayload.fromBits(bits), r.score, THRESHOLD,
                reliability / WatermarkPayload.BITS, r.scale);
    }

    /** The best frame scale's score, the scale, and its soft bits (all 0 where no scale gave a score). */
    private record Reading(double score, double scale, double[] soft) {
    }

    private static Reading read(double[] integral, int w, int h) {
        double best = -1;
        double bestScale = 1;
        double[] bestSoft = new double[WatermarkPayload.BITS];
        for (int pass = 0; pass < 2; pass++) {
            // a coarse sweep over all crops, then a fine one around the best
            double from = pass == 0 ? 1.0 : Math.max(1.0, bestScale - SCALE_STEP);
            double to = pass == 0 ? MAX_SCALE : bestScale + SCALE_STEP;
            double step = pass == 0 ? SCALE_STEP : SCALE_STEP / 10;
            for (double scale = from; scale <= to + 1e-9; scale += step) {
                double[] soft = new double[WatermarkPayload.BITS];
                double score = score(integral, w, h, scale, soft);
                if (score > best) {
                    best = score;
                    bestScale = scale;
                    bestSoft = soft;
                }
            }
        }
        return new Reading(best, bestScale, bestSoft);
    }

    /**
     * Each cell's mean brightness (inner 60% of the cell: edges blur into the neighbours after scaling and
     * coding) minus the mean of its neighbours; NaN for cells outside the frame.
     */
    private static double[] residuals(double[] integral, int w, int h, double scale) {
        double cw = COVER * scale * w / GRID;
        double ch = COVER * scale * h / GRID;
        double x0 = w / 2.0 - GRID / 2.0 * cw;
        double y0 = h / 2.0 - GRID / 2.0 * ch;
        double[] mean = new double[GRID * GRID];
        for (int j = 0; j < GRID; j++) {
            for (int i = 0; i < GRID; i++) {
                double ax = x0 + (i + 0.2) * cw, bx = x0 + (i + 0.8) * cw;
                double ay = y0 + (j + 0.2) * ch, by = y0 + (j + 0.8) * ch;
                boolean inside = Math.min(bx, w) - Math.max(ax, 0) >= 0.5 * (bx - ax)
                        && Math.min(by, h) - Math.max(ay, 0) >= 0.5 * (by - ay);
                mean[j * GRID + i] = inside ? rectMean(integral, w, ax, ay, bx, by) : Double.NaN;
            }
        }
        double[] residual = new double[GRID * GRID];
        for (int j = 0; j < GRID; j++) {
            for (int i = 0; i < GRID; i++) {
                double sum = 0;
                int k = 0;
                for (int dj = -1; dj <= 1; dj++) {
                    for (int di = -1; di <= 1; di++) {
                        int ni = i + di, nj = j + dj;
                        if ((di != 0 || dj != 0) && ni >= 0 && nj >= 0 && ni < GRID && nj < GRID
                                && !Double.isNaN(mean[nj * GRID + ni])) {
                            sum += mean[nj * GRID + ni];
                            k++;
                        }
                    }
                }
                residual[j * GRID + i] = k == 0 ? Double.NaN : mean[j * GRID + i] - sum / k;
            }
        }
        return residual;
    }

    /**
     * The residual magnitude beyond which a cell is left out of the detection: {@value #OUTLIER} times the median
     * magnitude of the cells in the frame (a hair more, so a flat frame keeps its cells); NaN when none is.
     */
    private static double outlierLimit(double[] residual) {
        double[] magnitudes = new double[residual.length];
        int seen = 0;
        for (double r : residual) {
            if (!Double.isNaN(r)) {
                magnitudes[seen++] = Math.abs(r);
            }
        }
        if (seen == 0) {
            return Double.NaN;
        }
        Arrays.sort(magnitudes, 0, seen);
        return OUTLIER * magnitudes[seen / 2] + 1e-6;
    }

    private static double score(double[] integral, int w, int h, double scale, double[] soft) {
        double[] residual = residuals(integral, w, h, scale);
        // Object edges give residuals far larger than the mark: such a cell tells nothing about its bit, and
        // counting it (even clipped) would push the bit its way and swell the variance every bit is measured
        // against. Cells beyond a multiple of the median are left out; unmarked frames stay symmetric.
        double limit = outlierLimit(residual);
        if (Double.isNaN(limit)) {
            return 0;
        }
        double[] n = new double[WatermarkPayload.BITS];
        boolean[] present = new boolean[WatermarkPayload.BITS];
        double power = 0;
        int counted = 0;
        for (int c = 0; c < residual.length; c++) {
            if (Double.isNaN(residual[c])) {
                continue;
            }
            present[BIT_OF_CELL[c]] = true;
            if (Math.abs(residual[c]) > limit) {
                continue;
            }
            soft[BIT_OF_CELL[c]] += SIGN_OF_CELL[c] * residual[c];
            n[BIT_OF_CELL[c]]++;
            power += residual[c] * residual[c];
            counted++;
        }
        if (power == 0) {
            return 0;
        }
        double variance = power / counted;
        double score = 0;
        for (int k = 0; k < WatermarkPayload.BITS; k++) {
            if (!present[k]) {
                return 0; // a bit with no cell left: too much of the frame is gone
            }
            // in standard deviations of an unmarked frame's soft bit; a bit whose cells are all edges reads 0
            soft[k] = n[k] == 0 ? 0 : soft[k] / Math.sqrt(n[k] * variance);
            score += Math.abs(soft[k]);
        }
        return score / WatermarkPayload.BITS;
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1e-7). */
    private static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** Mean luma over the clip's frames, at the clip's size. */
    private static double[] meanLuma(Clip frames) {
        int w = frames.width();
        int h = frames.height();
        double[] luma = new double[w * h];
        byte[] rgb = frames.rgb();
        for (int t = 0; t < frames.frames(); t++) {
            int base = t * w * h;
            for (int p = 0; p < w * h; p++) {
                int i = (base + p) * 3;
                luma[p] += (0.299 * (rgb[i] & 0xff) + 0.587 * (rgb[i + 1] & 0xff) + 0.114 * (rgb[i + 2] & 0xff)) / frames.frames();
            }
        }
        return luma;
    }

    /** Summed-area table (a row and a column of zeros in front) of an image upscaled by nearest neighbour. */
    private static double[] integral(double[] image, int iw, int ih, int upscale) {
        int w = iw * upscale;
        int h = ih * upscale;
        double[] s = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double rowSum = 0;
            for (int x = 0; x < w; x++) {
                rowSum += image[(y / upscale) * iw + x / upscale];
                s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + rowSum;
            }
        }
        return s;
    }

    /** Mean over whole pixels inside [ax, bx) x [ay, by), clipped to the frame (at least one pixel). */
    private static double rectMean(double[] s, int w, double ax, double ay, double bx, double by) {
        int h = s.length / (w + 1) - 1;
        int x1 = Math.min(w, Math.max(1, (int) Math.round(bx))), x0 = Math.max(0, Math.min(x1 - 1, (int) Math.round(ax)));
        int y1 = Math.min(h, Math.max(1, (int) Math.round(by))), y0 = Math.max(0, Math.min(y1 - 1, (int) Math.round(ay)));
        int stride = w + 1;
        double sum = s[y1 * stride + x1] - s[y0 * stride + x1] - s[y1 * stride + x0] + s[y0 * stride + x0];
        return sum / ((x1 - x0) * (y1 - y0));
    }
}
