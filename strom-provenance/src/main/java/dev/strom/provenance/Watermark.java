package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An invisible, blind watermark in the pixels of every frame. The centre of the frame is divided into a
 * 26x26 grid of cells; each cell's brightness moves by about 3 levels, up or down according to one payload
 * bit times a fixed pseudo-random sign. Every bit owns 10 or 11 cells scattered over the grid, and every
 * frame carries the same pattern, so the detector can average frames, survive dropped frames and
 * re-encoding (a static pattern is what inter-frame coding keeps), and find the grid again after scaling or
 * a centred crop by trying frame scales. The decision "marked or not" is a score, the mean reliability of
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
    private static final double MAX_GAIN = 2.0;
    /** Decision threshold on the score; see {@link #detect}. Calibrated on unmarked clips (ProvenanceBenchmark). */
    static final double THRESHOLD = 1.4;
    /** Crops up to this share of the frame (centred) are searched for. */
    private static final double MAX_SCALE = 1.7;
    private static final double SCALE_STEP = 0.01;
    /** Residuals beyond this many medians are clipped. */
    private static final double CLIP = 2.5;
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

    private Watermark(WatermarkPayload payload, double[] amplitude) {
        this.payload = payload;
        this.amplitude = amplitude;
    }

    /**
     * The watermark for one clip, as it will be stored (upscaled by {@code scale}). The embedder knows the
     * picture, so it measures how much the picture itself pushes each bit's statistic the wrong way and marks
     * that bit's cells more strongly to cancel it (up to {@value #MAX_GAIN} times as strong as the others);
     * then all strengths are scaled to spend exactly the {@link #PIXEL_MSE} budget.
     */
    public static Watermark informed(WatermarkPayload payload, Clip clip, int scale) {
        int w = clip.width() * scale;
        int h = clip.height() * scale;
        double[] host = hostBits(integral(meanLuma(clip), clip.width(), clip.height(), scale), w, h);
        double[] amplitude = new double[WatermarkPayload.BITS];
        double meanSquare = 0;
        for (int k = 0; k < amplitude.length; k++) {
            double b = payload.bit(k) ? 1 : -1;
            double opposing = Math.max(0, -b * host[k]);
            amplitude[k] = Math.min(MAX_GAIN, 1 + opposing / AMPLITUDE);
            meanSquare += amplitude[k] * amplitude[k] / amplitude.length;
        }
        double base = AMPLITUDE / Math.sqrt(meanSquare);
        for (int k = 0; k < amplitude.length; k++) {
            amplitude[k] *= base;
        }
        return new Watermark(payload, amplitude);
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
        double gx = (x + 0.5 - w / 2.0) / (COVER * w) + 0.5;
        double gy = (y + 0.5 - h / 2.0) / (COVER * h) + 0.5;
        if (gx < 0 || gy < 0 || gx >= 1 || gy >= 1) {
            return 0;
        }
        int c = (int) (gy * GRID) * GRID + (int) (gx * GRID);
        return chip(c, payload) * (int) Math.floor(amplitude[BIT_OF_CELL[c]] + (((x + y) & 1) == 0 ? 0.25 : 0.75));
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
        int w = frames.width();
        int h = frames.height();
        double[] integral = integral(meanLuma(frames), w, h, 1);
        double best = -1;
        double bestScale = 1;
        double[] bestSoft = null;
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
        long bits = 0;
        double reliability = 0;
        for (int k = 0; k < WatermarkPayload.BITS; k++) {
            double t = bestSoft == null ? 0 : bestSoft[k];
            bits = (bits << 1) | (t > 0 ? 1 : 0);
            reliability += normalCdf(Math.abs(t));
        }
        return new WatermarkDetection(best > THRESHOLD, WatermarkPayload.fromBits(bits), best, THRESHOLD,
                reliability / WatermarkPayload.BITS, bestScale);
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

    /** Per bit, the picture's own mean signed residual over the bit's cells (in brightness levels). */
    private static double[] hostBits(double[] integral, int w, int h) {
        double[] residual = residuals(integral, w, h, 1.0);
        double[] sum = new double[WatermarkPayload.BITS];
        int[] n = new int[WatermarkPayload.BITS];
        for (int c = 0; c < residual.length; c++) {
            if (!Double.isNaN(residual[c])) {
                sum[BIT_OF_CELL[c]] += SIGN_OF_CELL[c] * residual[c];
                n[BIT_OF_CELL[c]]++;
            }
        }
        for (int k = 0; k < sum.length; k++) {
            sum[k] = n[k] == 0 ? 0 : sum[k] / n[k];
        }
        return sum;
    }

    private static double score(double[] integral, int w, int h, double scale, double[] soft) {
        double[] residual = residuals(integral, w, h, scale);
        double[] magnitudes = new double[residual.length];
        int seen = 0;
        for (double r : residual) {
            if (!Double.isNaN(r)) {
                magnitudes[seen++] = Math.abs(r);
            }
        }
        if (seen == 0) {
            return 0;
        }
        // Object edges give a few huge residuals; clipping them at a multiple of the median keeps them from
        // drowning the bits they fall on.
        Arrays.sort(magnitudes, 0, seen);
        double limit = CLIP * magnitudes[seen / 2] + 1e-6;
        double[] n = new double[WatermarkPayload.BITS];
        double power = 0;
        for (int c = 0; c < residual.length; c++) {
            if (Double.isNaN(residual[c])) {
                continue;
            }
            double y = Math.max(-limit, Math.min(limit, residual[c]));
            soft[BIT_OF_CELL[c]] += SIGN_OF_CELL[c] * y;
            n[BIT_OF_CELL[c]]++;
            power += y * y;
        }
        if (power == 0) {
            return 0;
        }
        double variance = power / seen;
        double score = 0;
        for (int k = 0; k < WatermarkPayload.BITS; k++) {
            if (n[k] == 0) {
                return 0; // a bit with no cell left: too much of the frame is gone
            }
            soft[k] /= Math.sqrt(n[k] * variance); // in standard deviations of an unmarked frame's soft bit
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
