package dev.strom.serve;

import java.util.Arrays;

/**
 * Checks an upload before anything decodes it: its size, and its type read from the leading magic bytes
 * (a declared content type or file name is not trusted).
 */
public final class UploadCheck {

    /** File types the server accepts, by their signatures. */
    public enum Kind {
        PNG(true), JPEG(true), WEBP(true), GIF(true), MP4(false), WEBM(false);

        final boolean image;

        Kind(boolean image) {
            this.image = image;
        }
    }

    private final long maxBytes;

    public UploadCheck(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Kind image(String param, byte[] bytes) {
        Kind kind = check(param, bytes);
        if (kind == null || !kind.image) {
            throw ApiError.invalid(param, "'" + param + "' must be a PNG, JPEG, WebP or GIF image");
        }
        return kind;
    }

    public Kind video(String param, byte[] bytes) {
        Kind kind = check(param, bytes);
        if (kind == null || (kind.image && kind != Kind.GIF)) {
            throw ApiError.invalid(param, "'" + param + "' must be an MP4, WebM or GIF video");
        }
        return kind;
    }

    /** Any image or video the server knows, by its first bytes. */
    public Kind any(String param, byte[] bytes) {
        Kind kind = check(param, bytes);
        if (kind == null) {
            throw ApiError.invalid(param, "'" + param + "' must be an MP4, WebM, GIF, PNG, JPEG or WebP file");
        }
        return kind;
    }

    private Kind check(String param, byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiError.invalid(param, "'" + param + "' is empty");
        }
        if (bytes.length > maxBytes) {
            throw ApiError.tooLarge("'" + param + "' is larger than " + maxBytes + " bytes");
        }
        return sniff(bytes);
    }

    /** The type named by the file's first bytes, or null. */
    static Kind sniff(byte[] b) {
        if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Kind.PNG;
        }
        if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
            return Kind.JPEG;
        }
        if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
            return Kind.WEBP;
        }
        if (starts(b, 0, 'G', 'I', 'F', '8')) {
            return Kind.GIF;
        }
        if (starts(b, 4, 'f', 't', 'y', 'p')) {
            return Kind.MP4;
        }
        if (starts(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return Kind.WEBM;
        }
        return null;
    }

    private static boolean starts(byte[] b, int at, int... signature) {
        if (b.length < at + signature.length) {
            return false;
        }
        int[] head = new int[signature.length];
        for (int i = 0; i < signature.length; i++) {
            head[i] = b[at + i] & 0xff;
        }
        return Arrays.equals(head, signature);
    }
}
