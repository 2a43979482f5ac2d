package dev.strom.provenance;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What {@link Verifier} found in one file: the C2PA manifest's state; the watermark's (null when the file holds no
 * video frames to look in, or when its frames could not be decoded, and then {@code watermarkProblem} says why);
 * and the verdict both add up to, with the reason in words. {@code provenance} is true only for a verified file.
 * Serialises to JSON with Jackson as it is.
 */
public record Verification(String file, ContentCredentials.Status manifest, WatermarkDetection watermark,
                           String watermarkProblem, Verdict verdict, String reason, boolean provenance) {

    /** What the manifest and the watermark say together. */
    public enum Verdict {
        /** A valid manifest, and the watermark agrees (found in a video; images carry no watermark). */
        VERIFIED,
        /** A manifest that does not check out, or a valid one the frames' watermark contradicts: altered since signing. */
        INVALID,
        /** No manifest (GIF and WebM carry none; re-encoding strips it), but the frames carry Strom's watermark. */
        WATERMARK_ONLY,
        /** Neither a manifest nor a watermark. */
        NONE;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static Verification of(String file, ContentCredentials.Status manifest, WatermarkDetection watermark,
                           String watermarkProblem) {
        boolean video = watermark != null || watermarkProblem != null;
        boolean marked = watermark != null && watermark.detected();
        Verdict verdict;
        String reason;
        if (manifest.present() && !manifest.valid()) {
            verdict = Verdict.INVALID;
            reason = "the manifest does not check out: the file was altered or damaged since it was signed";
        } else if (manifest.valid() && video && !marked) {
            verdict = Verdict.INVALID;
            reason = watermark == null
                    ? "the manifest is valid but the frames could not be decoded to look for the watermark"
                    : "the manifest is valid but the frames carry no watermark, which Strom always adds before signing";
        } else if (manifest.valid()) {
            verdict = Verdict.VERIFIED;
            reason = video ? "a valid manifest, and the watermark agrees" : "a valid manifest (images carry no watermark)";
        } else if (marked) {
            verdict = Verdict.WATERMARK_ONLY;
            reason = "no manifest vouches for the file's bytes, but its frames carry Strom's watermark";
        } else {
            verdict = Verdict.NONE;
            reason = "neither a manifest nor a watermark";
        }
        return new Verification(file, manifest, watermark, watermarkProblem, verdict, reason, verdict == Verdict.VERIFIED);
    }
}
