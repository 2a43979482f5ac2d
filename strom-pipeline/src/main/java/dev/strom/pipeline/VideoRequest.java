package dev.strom.pipeline;

import dev.strom.data.Clip;
import dev.strom.video.Generation;
import dev.strom.video.Sampling;

import java.util.Arrays;
import java.util.Locale;

/**
 * One video asked of Strom, from the CLI, the API or the evaluation: the mode, the prompt, the seed and the
 * settings, and the source already read at the model's size ({@link VideoPipeline#source}).
 *
 * @param frames        frames of the result, the source's included; ignored where the mode keeps the source's length
 * @param source        the still, or the clip to extend, edit or remix; null for text-to-video
 * @param sourceCaption for a remix, what the source shows ("" when unknown); null otherwise
 */
public record VideoRequest(Mode mode, String prompt, long seed, int frames, Sampling sampling, Clip source,
                           String sourceCaption) {

    public VideoRequest {
        if (mode == null || sampling == null) {
            throw new IllegalArgumentException("a video request needs a mode and sampling settings");
        }
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if ((mode.source() == Mode.Source.NONE) != (source == null)) {
            throw new IllegalArgumentException(mode.name().toLowerCase(Locale.ROOT)
                    + (source == null ? " needs a source" : " takes no source"));
        }
        if (mode.keepsSourceLength()) {
            frames = source.frames();
        } else if (frames <= 0) {
            throw new IllegalArgumentException("frames must be positive, got " + frames);
        }
        if (mode == Mode.REMIX && sourceCaption == null) {
            sourceCaption = "";
        }
        if (mode != Mode.REMIX && sourceCaption != null) {
            throw new IllegalArgumentException("only a remix has a source caption");
        }
    }

    /** What the engine is asked to make. */
    public Generation generation() {
        return new Generation(mode.engine(), prompt, seed, mode.keepsSourceLength() ? 0 : frames, sampling,
                source == null ? null : source.toModelLayout(), sourceCaption);
    }

    /**
     * Everything that decides the clip, as one line: the same line, the same clip (with the same model). The
     * watermark's clip id is made from it.
     */
    public String settings() {
        return String.join("|", mode.name(), prompt, "seed " + seed, "cfg " + sampling.guidance(), "frames " + frames,
                "temperature " + sampling.temperature(), sampling.inversion().sequential() ? "sequential" : "jacobi",
                "denoise " + sampling.denoise(), "source " + (source == null ? 0 : Arrays.hashCode(source.rgb())))
                + (sourceCaption == null ? "" : "|from " + sourceCaption);
    }
}
