package dev.strom.data;

import java.util.Random;

/**
 * Wrong ways for a clip to go on, for teaching a model what comes next (future contrast): each keeps a window's
 * first {@code given} frames and changes what follows. They work on any footage; the built-in world adds its own
 * (the object removed) from its ground truth.
 */
public final class Continuations {

    private Continuations() {
    }

    /** The last given frame held for the rest of the window: the "nothing moves any more" answer. */
    public static Clip held(Clip window, int given) {
        int[] order = new int[window.frames()];
        for (int t = 0; t < order.length; t++) {
            order[t] = Math.min(t, given - 1);
        }
        return check(window, given).reorder(order);
    }

    /** The motion run backwards from the last given frame (frame g-2 next, then g-3, ..., held at frame 0). */
    public static Clip reversed(Clip window, int given) {
        int[] order = new int[window.frames()];
        for (int t = 0; t < order.length; t++) {
            order[t] = t < given ? t : Math.max(0, 2 * given - 2 - t);
        }
        return check(window, given).reorder(order);
    }

    /**
     * The window's later frames in another order, never starting with the true next frame when there are two or more:
     * a contrast that reads only the frame after the given ones would otherwise tie the truth with it.
     */
    public static Clip shuffled(Clip window, int given, Random rng) {
        int n = check(window, given).frames() - given;
        int[] later = new int[n];
        for (int i = 0; i < n; i++) {
            later[i] = given + i;
        }
        if (n > 1) {
            do {
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int tmp = later[i];
                    later[i] = later[j];
                    later[j] = tmp;
                }
            } while (later[0] == given);
        }
        int[] order = new int[window.frames()];
        for (int t = 0; t < order.length; t++) {
            order[t] = t < given ? t : later[t - given];
        }
        return window.reorder(order);
    }

    /**
     * A window of {@code length} frames from {@code start} of a longer clip whose motion after the first {@code given}
     * frames runs {@code rate} times as fast (2: every other frame; 0.5: each frame twice), held at the clip's last
     * frame if it runs out.
     */
    public static Clip atSpeed(Clip clip, int start, int length, int given, double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, got " + rate);
        }
        int[] order = new int[length];
        for (int t = 0; t < length; t++) {
            int from = t < given ? start + t : start + given - 1 + (int) Math.round((t - given + 1) * rate);
            order[t] = Math.min(clip.frames() - 1, from);
        }
        check(clip.window(start, length), given);
        return pick(clip, order);
    }

    /** The window's first {@code given} frames, then {@code other}'s frames from the same place on. */
    public static Clip splice(Clip window, Clip other, int given) {
        check(window, given);
        if (other.frames() != window.frames() || other.frameBytes() != window.frameBytes()) {
            throw new IllegalArgumentException("the clips to splice must have the same shape");
        }
        byte[] rgb = window.rgb().clone();
        System.arraycopy(other.rgb(), given * window.frameBytes(), rgb, given * window.frameBytes(),
                (window.frames() - given) * window.frameBytes());
        return new Clip(window.frames(), window.height(), window.width(), window.fps(), rgb);
    }

    /**
     * The object smeared along its path: after the given frames, each frame shows the object where it is and, where
     * it is not, wherever it last was since the last given frame. It is what a model draws that has learned that an
     * object goes on but not that it leaves where it was: objects stretch along their way instead of moving.
     * {@code empty} is the same window without the object; a pixel that differs from it is one the object covers.
     */
    public static Clip smeared(Clip window, Clip empty, int given) {
        check(window, given);
        if (empty.frames() != window.frames() || empty.frameBytes() != window.frameBytes()) {
            throw new IllegalArgumentException("the window and its empty background must have the same shape");
        }
        int bytes = window.frameBytes();
        byte[] in = window.rgb();
        byte[] out = in.clone();
        for (int t = given; t < window.frames(); t++) {
            for (int p = 0; p < bytes; p += 3) {
                for (int u = t; u >= given - 1; u--) {
                    if (covers(in, empty.rgb(), u * bytes + p)) {
                        System.arraycopy(in, u * bytes + p, out, t * bytes + p, 3);
                        break;
                    }
                }
            }
        }
        return new Clip(window.frames(), window.height(), window.width(), window.fps(), out);
    }

    private static boolean covers(byte[] frame, byte[] empty, int at) {
        return frame[at] != empty[at] || frame[at + 1] != empty[at + 1] || frame[at + 2] != empty[at + 2];
    }

    private static Clip pick(Clip clip, int[] frames) {
        byte[] rgb = new byte[frames.length * clip.frameBytes()];
        for (int t = 0; t < frames.length; t++) {
            System.arraycopy(clip.rgb(), frames[t] * clip.frameBytes(), rgb, t * clip.frameBytes(), clip.frameBytes());
        }
        return new Clip(frames.length, clip.height(), clip.width(), clip.fps(), rgb);
    }

    private static Clip check(Clip window, int given) {
        if (given < 1 || given >= window.frames()) {
            throw new IllegalArgumentException("between 1 and " + (window.frames() - 1) + " frames must be given, not " + given);
        }
        return window;
    }
}
