package dev.strom.provenance;

/**
 * What {@link Verifier} found in one file: the C2PA manifest's state, the watermark's (null when the file
 * holds no video frames to look in), and whether that adds up to Strom provenance (a valid manifest or a
 * detected watermark). Serialises to JSON with Jackson as it is.
 */
public record Verification(String file, ContentCredentials.Status manifest, WatermarkDetection watermark,
                           boolean provenance) {

    static Verification of(String file, ContentCredentials.Status manifest, WatermarkDetection watermark) {
        return new Verification(file, manifest, watermark, manifest.valid() || (watermark != null && watermark.detected()));
    }
}
