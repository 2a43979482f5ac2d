package dev.strom.provenance;

/**
 * What the detector found: whether a Strom watermark is present (score above the calibrated threshold),
 * the payload it read, the score, and the frame scale at which the pattern was found (1 = uncropped).
 */
public record WatermarkDetection(boolean detected, WatermarkPayload payload, double score, double threshold,
                                 double scale) {
}
