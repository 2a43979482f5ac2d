package dev.strom.video;

import java.util.Locale;

/**
 * One clip to make: what the model does, from which prompt, seed and settings, and from which frames.
 * Made with {@link #text}, {@link #continuing}, {@link #edit} or {@link #remix}.
 *
 * @param mode          what the model does with the prompt and the source frames
 * @param prompt        the caption (for an edit, the instruction)
 * @param seed          same seed, model and settings: same clip
 * @param frames        frames of the result, the opening frames included; 0 for an edit or a remix, whose
 *                      result is as long as the source
 * @param sampling      guidance, temperature, inversion, denoising
 * @param source        frames in model layout [K, C, H, W], values in [-1, 1]: the opening frames to continue
 *                      (the still of image-to-video, the clip being extended), the clip to edit or to remix;
 *                      null for text-to-video
 * @param sourceCaption for a remix, the caption the source was made with or is best described by ("" when
 *                      unknown); null otherwise
 */
public record Generation(Mode mode, String prompt, long seed, int frames, Sampling sampling, float[] source,
                         String sourceCaption) {

    /** What the model does with the prompt and the source frames. */
    public enum Mode {
        /** Text-to-video, image-to-video, extension: the source frames, if any, open the result unchanged. */
        CONTINUE,
        /** Video editing: the model reads the source and writes it again following the instruction. */
        EDIT,
        /** Remix: the source is remade under the prompt from its own noise. */
        REMIX
    }

    /** STARFlow-V's caption prefix for video-to-video examples: source frames first, then the edited frames. */
    public static final String EDIT_MARKER = "(v2v) ";

    public Generation {
        if (mode == null || sampling == null) {
            throw new IllegalArgumentException("a generation needs a mode and sampling settings");
        }
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (mode == Mode.CONTINUE && frames <= 0) {
            throw new IllegalArgumentException("frames must be positive, got " + frames);
        }
        if (mode != Mode.CONTINUE && source == null) {
            throw new IllegalArgumentException(mode.name().toLowerCase(Locale.ROOT) + " needs a source clip");
        }
        if ((mode == Mode.REMIX) != (sourceCaption != null)) {
            throw new IllegalArgumentException("a remix, and only a remix, has a source caption (\"\" when unknown)");
        }
    }

    /** Text-to-video. */
    public static Generation text(String prompt, long seed, int frames, Sampling sampling) {
        return new Generation(Mode.CONTINUE, prompt, seed, frames, sampling, null, null);
    }

    /** Image-to-video or extension: {@code opening} starts the result, which has {@code frames} frames in all. */
    public static Generation continuing(String prompt, long seed, int frames, Sampling sampling, float[] opening) {
        return new Generation(Mode.CONTINUE, prompt, seed, frames, sampling, opening, null);
    }

    /** The source clip written again following the instruction. */
    public static Generation edit(String instruction, long seed, Sampling sampling, float[] source) {
        return new Generation(Mode.EDIT, instruction, seed, 0, sampling, source, null);
    }

    /** The source clip remade under {@code prompt} from the noise it maps to under {@code sourceCaption}. */
    public static Generation remix(String prompt, long seed, Sampling sampling, float[] source, String sourceCaption) {
        return new Generation(Mode.REMIX, prompt, seed, 0, sampling, source, sourceCaption);
    }

    /**
     * STARFlow-V's caption prefix for windows that start mid-clip: the model learns to read the motion off the
     * frames it is given rather than from where a clip usually starts.
     */
    public static final String EXTEND_MARKER = "(extend) ";

    /** The caption a window that continues a clip is trained with. */
    public static String extendCaption(String caption) {
        return EXTEND_MARKER + caption;
    }

    /** The caption an edit example is trained and sampled with. */
    public static String editCaption(String instruction) {
        return EDIT_MARKER + instruction;
    }
}
