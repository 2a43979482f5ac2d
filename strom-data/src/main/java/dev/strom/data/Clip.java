package dev.strom.data;

import java.util.Arrays;

/**
 * A short RGB clip with 8-bit pixels, frames stored one after another as [T, H, W, 3].
 */
public record Clip(int frames, int height, int width, double fps, byte[] rgb) {

    public Clip {
        if (frames <= 0 || height <= 0 || width <= 0 || !(fps > 0)) {
            throw new IllegalArgumentException("clip dimensions and fps must be positive");
        }
        if (rgb.length != frames * height * width * 3) {
            throw new IllegalArgumentException("clip needs " + frames * height * width * 3 + " bytes, got " + rgb.length);
        }
    }

    public int frameBytes() {
        return height * width * 3;
    }

    public int pixel(int t, int y, int x, int c) {
        return rgb[((t * height + y) * width + x) * 3 + c] & 0xff;
    }

    /** Pixels scaled to [-1, 1] in the model's layout [T, C, H, W]. */
    public float[] toModelLayout() {
        float[] out = new float[rgb.length];
        int plane = height * width;
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    int v = rgb[(t * plane + i) * 3 + c] & 0xff;
                    out[(t * 3 + c) * plane + i] = v / 127.5f - 1f;
                }
            }
        }
        return out;
    }

    /** The inverse of {@link #toModelLayout}, rounding and clamping to 8 bits. */
    public static Clip fromModelLayout(float[] values, int frames, int height, int width, double fps) {
        int plane = height * width;
        byte[] rgb = new byte[frames * plane * 3];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    float v = values[(t * 3 + c) * plane + i];
                    int b = Math.round((v + 1f) * 127.5f);
                    rgb[(t * plane + i) * 3 + c] = (byte) Math.max(0, Math.min(255, b));
                }
            }
        }
        return new Clip(frames, height, width, fps, rgb);
    }

    /** Frames {@code start .. start + count - 1} as a clip of their own. */
    public Clip window(int start, int count) {
        if (start < 0 || count <= 0 || start + count > frames) {
            throw new IllegalArgumentException("window " + start + "+" + count + " outside a clip of " + frames + " frames");
        }
        byte[] out = Arrays.copyOfRange(rgb, start * frameBytes(), (start + count) * frameBytes());
        return new Clip(count, height, width, fps, out);
    }

    /** The clips' frames one after another, as one clip (all of the same size and frame rate). */
    public static Clip joined(java.util.List<Clip> clips) {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("nothing to join");
        }
        Clip first = clips.get(0);
        int frames = 0;
        for (Clip c : clips) {
            if (c.height != first.height || c.width != first.width || c.fps != first.fps) {
                throw new IllegalArgumentException("clips of " + first.width + "x" + first.height + " at " + first.fps
                        + " fps cannot be joined with one of " + c.width + "x" + c.height + " at " + c.fps + " fps");
            }
            frames += c.frames;
        }
        byte[] out = new byte[frames * first.frameBytes()];
        int at = 0;
        for (Clip c : clips) {
            System.arraycopy(c.rgb, 0, out, at, c.rgb.length);
            at += c.rgb.length;
        }
        return new Clip(frames, first.height, first.width, first.fps, out);
    }

    /** The same clip with its frames in another order (permutation of 0..T-1). */
    public Clip reorder(int[] order) {
        byte[] out = new byte[rgb.length];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(rgb, order[t] * frameBytes(), out, t * frameBytes(), frameBytes());
        }
        return new Clip(frames, height, width, fps, out);
    }
}
