package dev.strom.provenance;

/**
 * What {@link Verifier} found in one file: the C2PA manifest's state and the watermark's (null when the
 * file holds no video frames to look in). Serialises to JSON with Jackson as it is.
 */
public record Verification(String file, ContentCredentials.Status manifest, WatermarkDetection watermark) {

    /** Strom provenance is present: a valid manifest, or a detected watermark. */
    public boolean provenance() {
        return manifest.valid() || (watermark != null && watermark.detected());
    }
}
