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

    /**
     * Checks the manifest (bytes only, so a damaged file still gets a finding) and, in a video, the watermark. A
     * file whose frames do not decode is reported so; only a file with neither a manifest nor decodable frames
     * (not a video or image at all) is an error.
     */
    public static Verification verify(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        ContentCredentials.Status manifest = ContentCredentials.status(file);
        WatermarkDetection watermark = null;
        String watermarkProblem = null;
        if (isVideo(file)) {
            try {
                watermark = Watermark.detect(MediaDecoder.storedPixels(file));
            } catch (IOException | RuntimeException e) {
                watermarkProblem = "the frames could not be decoded: " + e.getMessage();
            }
        }
        if (watermarkProblem != null && !manifest.present()) {
            throw new IOException("not a readable video: " + file.getFileName()
                    + (manifest.problems().isEmpty() ? "" : " (" + manifest.problems().get(0) + ")"));
        }
        return Verification.of(file.toString(), manifest, watermark, watermarkProblem);
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
