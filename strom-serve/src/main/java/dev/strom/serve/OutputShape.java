package dev.strom.serve;

import dev.strom.video.VideoSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a requested {@code size} and {@code seconds} map onto what the model makes: square frames at its
 * native size, upscaled by a whole factor for the file, and as many frames as the seconds need at the
 * model's frame rate. {@link #notes} says in words what was changed, so nothing is substituted silently.
 */
public record OutputShape(int frames, double fps, int scale, int nativeSize, List<String> notes) {

    static final int DEFAULT_SCALE = 8;
    static final int MAX_SCALE = 16;
    static final int MAX_SECONDS = 12;

    public String size() {
        return nativeSize * scale + "x" + nativeSize * scale;
    }

    public String seconds() {
        double s = frames / fps;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.2f", s);
    }

    /** @param size "WxH" or null; @param seconds whole seconds as text, or null for the model's own length */
    public static OutputShape fit(VideoSpec spec, String size, String seconds) {
        List<String> notes = new ArrayList<>();
        int scale = DEFAULT_SCALE;
        if (size != null) {
            String[] wh = size.split("x", -1);
            int w = wh.length == 2 ? positive(wh[0]) : -1;
            int h = wh.length == 2 ? positive(wh[1]) : -1;
            if (w < 1 || h < 1 || w > 8192 || h > 8192) {
                throw ApiError.invalid("size", "size must be WIDTHxHEIGHT in pixels, e.g. 1280x720; got '" + clip(size) + "'");
            }
            scale = Math.max(1, Math.min(MAX_SCALE, Math.min(w, h) / spec.size()));
            int side = spec.size() * scale;
            if (w != side || h != side) {
                notes.add("the model makes square " + spec.size() + "x" + spec.size() + " frames; requested " + w + "x" + h
                        + ", delivered " + side + "x" + side + " (nearest-neighbour upscale x" + scale + ")");
            }
        }
        int frames = spec.frames();
        if (seconds != null) {
            int s = positive(seconds);
            if (s < 1 || s > MAX_SECONDS) {
                throw ApiError.invalid("seconds", "seconds must be a whole number from 1 to " + MAX_SECONDS + "; got '" + clip(seconds) + "'");
            }
            frames = (int) Math.round(s * spec.fps());
        }
        OutputShape shape = new OutputShape(frames, spec.fps(), scale, spec.size(), notes);
        if (seconds != null && !shape.seconds().equals(seconds.trim())) {
            notes.add("requested " + seconds + " s, delivered " + shape.seconds() + " s (" + frames + " frames at "
                    + spec.fps() + " fps)");
        }
        return shape;
    }

    private static int positive(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
