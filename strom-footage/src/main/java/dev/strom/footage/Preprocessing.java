package dev.strom.footage;

import dev.strom.media.MediaDecoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How files become training clips: the model's square size, frame rate and clip length, the fit, and the
 * stride between windows of a long video. Its {@link #key} names the cache, so a change of any of these
 * preprocesses again instead of reusing clips of another shape.
 */
public record Preprocessing(int size, double fps, int frames, MediaDecoder.Fit fit, int stride) {

    /** Stored frames smaller than this on either side carry too little to train on. */
    public static final int MIN_SIDE = 8;
    private static final int VERSION = 1;

    public Preprocessing {
        if (size <= 0 || !(fps > 0) || frames <= 0 || stride <= 0) {
            throw new IllegalArgumentException("preprocessing needs a positive size, fps, frame count and stride");
        }
    }

    /** Non-overlapping windows of the model's clip length. */
    public static Preprocessing of(int size, double fps, int frames, MediaDecoder.Fit fit) {
        return new Preprocessing(size, fps, frames, fit, frames);
    }

    MediaDecoder.Target target() {
        return new MediaDecoder.Target(size, fps, 0);
    }

    String describe() {
        return String.format(Locale.ROOT, "v%d size=%d fps=%.6f frames=%d fit=%s stride=%d", VERSION, size, fps, frames,
                fit.name().toLowerCase(Locale.ROOT), stride);
    }

    /** A short, stable hash of everything that shapes the cached clips. */
    String key() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(describe().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
