package dev.strom.video;

/**
 * The temporal half of the final denoising step: a pixel whose colour, around it, changed from the frame before by
 * no more than one draw of the sampling noise keeps the frame before's colour; a larger change passes whole.
 * <p>
 * Why: a flow samples each frame as its clean content plus noise of spread sigma * temperature a channel (sigma the
 * training noise). The per-frame denoiser takes most of it off, but what is left differs from frame to frame, so a
 * still background flickers by a few 8-bit levels (1.8 on the world's held-out prompts, where real clips flicker
 * 0.02): neither the score step nor a learned per-frame denoiser can tell one frame's leftover from the next
 * frame's (docs/experiments.md, session 26). Over time it can be told: a still region's change is no larger than
 * the noise, a moving edge's is the object's contrast, tens of times larger. This is a noise gate, as in video and
 * audio codecs, with the noise level the flow itself states.
 * <p>
 * The change at a pixel is the root mean square over its 3x3 neighbourhood of the colour distance between the
 * frame and the gated frame before (so a single noisy pixel does not open it, and an object's whole edge does).
 * Under the threshold {@code tau = sigma * temperature * sqrt(C)} (one noise draw's colour distance) the pixel
 * holds; from {@code 2 tau} on it takes the new frame; in between a linear mix, so the gate has no hard step.
 * Changes smaller than the sampling noise (a slow fade) are held until they add up past it, then pass: that is the
 * price, and why {@code --no-denoise} turns this off with the per-frame step.
 */
final class NoiseGate {

    private final int channels;
    private final int height;
    private final int width;
    private final double tau;

    /**
     * @param channels, height, width the frames' layout, [C, H, W] each, frames one after another
     * @param noiseStd    the flow's training noise sigma (0: nothing is held)
     * @param temperature the sampling temperature the frames were made at
     */
    NoiseGate(int channels, int height, int width, double noiseStd, double temperature) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.tau = noiseStd * temperature * Math.sqrt(channels);
    }

    /**
     * The frames {@code frames} (whole frames, [T, C, H, W]) gated: each against the gated frame before it, the
     * first against {@code previous} ([C, H, W], the clip's frame before them; null: the first is taken as it is).
     */
    float[] apply(float[] frames, float[] previous) {
        int plane = channels * height * width;
        if (frames.length % plane != 0 || previous != null && previous.length != plane) {
            throw new IllegalArgumentException("the noise gate takes whole frames of " + plane + " values");
        }
        float[] out = frames.clone();
        if (!(tau > 0)) {
            return out;
        }
        int count = frames.length / plane;
        float[] distance = new float[height * width];
        for (int t = 0; t < count; t++) {
            float[] before = t > 0 ? out : previous;
            int beforeAt = t > 0 ? (t - 1) * plane : 0;
            if (before == null) {
                continue;
            }
            int at = t * plane;
            for (int p = 0; p < height * width; p++) {
                double d = 0;
                for (int c = 0; c < channels; c++) {
                    double r = out[at + c * height * width + p] - before[beforeAt + c * height * width + p];
                    d += r * r;
                }
                distance[p] = (float) d;
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double gate = open(Math.sqrt(neighbourhoodMean(distance, y, x)));
                    for (int c = 0; c < channels; c++) {
                        int i = c * height * width + y * width + x;
                        float held = before[beforeAt + i];
                        out[at + i] = (float) (held + gate * (out[at + i] - held));
                    }
                }
            }
        }
        return out;
    }

    /** How far the gate opens for a change of {@code rms}: shut under tau, open from 2 tau, linear between. */
    private double open(double rms) {
        return Math.max(0, Math.min(1, (rms - tau) / tau));
    }

    /** The mean of {@code v} [H, W] over the 3x3 neighbourhood of (y, x) within the frame. */
    private double neighbourhoodMean(float[] v, int y, int x) {
        double sum = 0;
        int n = 0;
        for (int yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
                sum += v[yy * width + xx];
                n++;
            }
        }
        return sum / n;
    }
}
