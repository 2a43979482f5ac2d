package dev.strom.pipeline;

import dev.strom.data.Clip;
import dev.strom.video.Generation;
import dev.strom.video.Sampling;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

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

    /**
     * The longest video Strom makes, in frames, the source's included (32 s at the bundled model's 8 fps). Past the
     * training length a clip is made window by window, so the cost per frame stays constant (about 0.14 s on two
     * CPU cores) and memory grows only by the frames themselves (12 KB each at 32x32 in the model's layout, times a
     * few copies, plus the upscaled file): 256 frames take about 36 s and a few MB. The limit is there so that a
     * typo such as 100000 is refused at once instead of running for hours while memory grows, and so that no size
     * computed from a frame count can overflow. The CLI and the API share it.
     */
    public static final int MAX_FRAMES = 256;

    /**
     * A seed for a request that names none: drawn below 2^31, short enough to read out and type again (the CLI
     * prints it, the API returns it, every file records it).
     */
    public static long randomSeed() {
        return ThreadLocalRandom.current().nextLong(1L << 31);
    }

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
            if (frames > MAX_FRAMES) {
                throw new IllegalArgumentException(mode.name().toLowerCase(Locale.ROOT) + " takes a source of at most "
                        + MAX_FRAMES + " frames at the model's fps, got " + frames);
            }
        } else if (frames <= 0 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException("frames must be between 1 and " + MAX_FRAMES + ", got " + frames);
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
