package dev.strom.provenance;

/**
 * What the detector found. {@code detected} when the score (mean |soft bit| in standard deviations of an
 * unmarked frame; about 0.8 without a watermark) exceeds the calibrated threshold. {@code payload} holds the
 * bits read at the best frame scale and {@code confidence} the expected share of them that is right (mean over
 * bits of the normal probability of their sign); both mean nothing unless {@code detected}. {@code scale} is
 * the frame scale where the pattern was found (1 = uncropped, 1.25 = 10% cut from each side).
 */
public record WatermarkDetection(boolean detected, WatermarkPayload payload, double score, double threshold,
                                 double confidence, double scale) {
}
