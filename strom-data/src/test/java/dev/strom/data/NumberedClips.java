package dev.strom.data;

/** 1x1 clips whose frame t holds the value t, so that a frame of a reordered clip tells which one it came from. */
final class NumberedClips {

    private NumberedClips() {
    }

    /** A 1x1 clip whose frame t has the value t in every channel. */
    static Clip numbered(int frames) {
        byte[] rgb = new byte[frames * 3];
        for (int t = 0; t < frames; t++) {
            rgb[3 * t] = rgb[3 * t + 1] = rgb[3 * t + 2] = (byte) t;
        }
        return new Clip(frames, 1, 1, 8, rgb);
    }

    /** Which frame of a numbered clip each frame shows. */
    static int[] frames(Clip c) {
        int[] out = new int[c.frames()];
        for (int t = 0; t < out.length; t++) {
            out[t] = c.pixel(t, 0, 0, 0);
        }
        return out;
    }
}
