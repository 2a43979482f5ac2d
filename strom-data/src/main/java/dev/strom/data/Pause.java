package dev.strom.data;

import java.util.Random;

/**
 * A clip that pauses: frame {@code from} is held for {@code hold} more frames, then the clip runs on from where it
 * stopped (its last {@code hold} frames fall off the end). Why: a motion-compensated model predicts each frame from
 * how the last two moved, and real clips always move on as they moved, so it never learns to start a motion the
 * prediction does not carry. Its own samples need that: a generated opening that barely moves leaves the prediction
 * still, and the model then grows its object towards where it should go instead of moving it. After a pause the
 * prediction says "still" and the truth moves again, so the residual has to restart the motion, leading edge and
 * trailing edge alike. It works on any footage: a pause is a plain clip.
 */
public record Pause(int from, int hold) {

    public Pause {
        if (from < 0 || hold < 1) {
            throw new IllegalArgumentException("a pause needs from >= 0 and hold >= 1, got " + from + ", " + hold);
        }
    }

    /**
     * A pause in a clip of {@code frames} frames (at least 6): 1 to 3 frames held, from any frame that leaves at least
     * two frames of motion after it.
     */
    public static Pause random(Random rng, int frames) {
        if (frames < 6) {
            throw new IllegalArgumentException("pauses need clips of at least 6 frames, got " + frames);
        }
        int hold = 1 + rng.nextInt(3);
        return new Pause(rng.nextInt(frames - hold - 2), hold);
    }

    /** The source frame each frame of the paused clip shows. */
    public int source(int frame) {
        return frame <= from ? frame : Math.max(from, frame - hold);
    }

    /** The clip with this pause: as many frames as it has. */
    public Clip apply(Clip clip) {
        if (from >= clip.frames()) {
            throw new IllegalArgumentException("a pause from frame " + from + " needs a longer clip than " + clip.frames() + " frames");
        }
        int[] order = new int[clip.frames()];
        for (int t = 0; t < order.length; t++) {
            order[t] = source(t);
        }
        return clip.reorder(order);
    }
}
