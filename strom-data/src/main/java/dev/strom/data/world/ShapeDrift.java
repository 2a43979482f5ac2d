package dev.strom.data.world;

import java.util.Random;

/**
 * A clip's primary object drifting out of shape and back: from frame {@code from} it is stretched more and more,
 * by {@code stretchX} and {@code stretchY} at frame {@code peak}, and less and less until frame {@code to}, where it
 * has its own shape again. Why: a model that codes each frame against the last one moved on is trained on real
 * pasts, where the object always keeps its shape, so it never learns to mend a shape that its own samples let slip,
 * and a slip goes on from frame to frame (the object flattens, stretches, or wears away). Clips that slip and
 * recover show it the way back to the shape of the first frames, as noise on the context frames does for a
 * diffusion world model.
 */
public record ShapeDrift(int from, int peak, int to, double stretchX, double stretchY) {

    public ShapeDrift {
        if (from < 1 || peak <= from || to <= peak || !(stretchX > 0) || !(stretchY > 0)) {
            throw new IllegalArgumentException("a shape drift needs 1 <= from < peak < to and positive stretches");
        }
    }

    /**
     * A drift of a clip of {@code frames} frames (at least 8): starting at frame 2 or later, 2 or 3 frames out of
     * shape to a stretch of 0.6-1.4 along each axis (at least 0.15 off along one), 2 to 4 frames back.
     */
    public static ShapeDrift random(Random rng, int frames) {
        if (frames < 8) {
            throw new IllegalArgumentException("shape drifts need clips of at least 8 frames, got " + frames);
        }
        int up = 2 + rng.nextInt(2);
        int down = 2 + rng.nextInt(3);
        int from = 2 + rng.nextInt(frames - up - down - 2);
        double sx;
        double sy;
        do {
            sx = 0.6 + 0.8 * rng.nextDouble();
            sy = 0.6 + 0.8 * rng.nextDouble();
        } while (Math.max(Math.abs(sx - 1), Math.abs(sy - 1)) < 0.15);
        return new ShapeDrift(from, from + up, from + up + down, sx, sy);
    }

    /** The primary object's stretch at frame f along x and y: 1 outside (from, to). */
    public double[] stretch(int f) {
        double amount;
        if (f <= from || f >= to) {
            amount = 0;
        } else if (f <= peak) {
            amount = (double) (f - from) / (peak - from);
        } else {
            amount = (double) (to - f) / (to - peak);
        }
        return new double[]{1 + amount * (stretchX - 1), 1 + amount * (stretchY - 1)};
    }
}
