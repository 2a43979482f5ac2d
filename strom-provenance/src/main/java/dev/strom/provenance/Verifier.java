package dev.strom.provenance;

import dev.strom.media.MediaDecoder;
import dev.strom.media.VideoFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a file for Strom provenance: its C2PA manifest and, in videos, the watermark in the pixels. */
public final class Verifier {

    private Verifier() {
    }

    public static Verification verify(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        ContentCredentials.Status manifest = ContentCredentials.status(file);
        WatermarkDetection watermark = isVideo(file) ? Watermark.detect(MediaDecoder.storedPixels(file)) : null;
        return Verification.of(file.toString(), manifest, watermark);
    }

    private static boolean isVideo(Path file) {
        try {
            VideoFormat.of(file);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
