package dev.strom.provenance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The 64 bits a watermark carries: which model made the clip (32 bits) and which clip it is (32 bits). */
public record WatermarkPayload(int modelId, int clipId) {

    public static final int BITS = 64;

    /** A model's 32-bit id: the first four bytes of SHA-256 of its name. */
    public static int modelIdOf(String modelName) {
        return prefix(modelName);
    }

    /** A clip's 32-bit id, fixed by what determines the clip (prompt, seed and the other generation settings). */
    public static int clipIdOf(String generationSettings) {
        return prefix(generationSettings);
    }

    public long bits() {
        return ((long) modelId << 32) | (clipId & 0xffffffffL);
    }

    public static WatermarkPayload fromBits(long bits) {
        return new WatermarkPayload((int) (bits >>> 32), (int) bits);
    }

    public boolean bit(int i) {
        return ((bits() >>> (BITS - 1 - i)) & 1) == 1;
    }

    /** Bits of {@code other} that equal this payload's, as a fraction. */
    public double agreement(WatermarkPayload other) {
        return 1.0 - Long.bitCount(bits() ^ other.bits()) / (double) BITS;
    }

    @Override
    public String toString() {
        return String.format("model %08x clip %08x", modelId, clipId);
    }

    private static int prefix(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
