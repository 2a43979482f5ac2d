package dev.strom.video;

import dev.strom.flow.InverseMethod;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.SequentialInverse;

/**
 * How a clip is sampled: guidance weight, prior temperature, how each flow block is inverted, and whether the
 * final denoising step runs. A model carries its own defaults ({@link VideoModel#defaults()}); a request
 * changes what the user asked for and keeps the rest.
 *
 * @param guidance    classifier-free guidance weight w >= 0 (0: none)
 * @param temperature scale of the Gaussian prior's noise, > 0
 * @param inversion   how each block is inverted: Jacobi iteration (fast) or sequential (exact, slow)
 * @param denoise     run the denoising steps after sampling, the model's per-frame denoiser and then the {@link NoiseGate}
 *                    over time (off: the raw noise-augmented sample)
 * @param extendMarker the model was trained on STARFlow-V's "(extend) " windows: a window that continues a clip
 *                     from mid-clip context (later windows of a long video, an extension) is made under the caption
 *                     with that prefix, as it was trained; a property of the model that requests keep
 * @param editMarker   the model was trained on edits whose dropped captions kept STARFlow-V's "(v2v) " marker: an
 *                     edit's unconditional branch is read under the marker alone, as it was trained, and a plain
 *                     clip's under the empty caption, which never saw an edit; a property of the model too
 */
public record Sampling(float guidance, float temperature, Inversion inversion, boolean denoise, boolean extendMarker,
                       boolean editMarker) {

    /** Settings for a model trained without "(extend) " windows or marked edits. */
    public Sampling(float guidance, float temperature, Inversion inversion, boolean denoise) {
        this(guidance, temperature, inversion, denoise, false, false);
    }

    /** For a model that stores no defaults: guidance 3, temperature 1, {@link Inversion#JACOBI}, denoised. */
    public static final Sampling FALLBACK = new Sampling(3f, 1f, Inversion.JACOBI, true);

    public Sampling {
        if (!(guidance >= 0) || Float.isInfinite(guidance)) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0");
        }
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0");
        }
        if (inversion == null) {
            throw new IllegalArgumentException("an inversion is required");
        }
    }

    /**
     * How each flow block is inverted: sequentially, token by token (exact), or by Jacobi iteration over blocks
     * of {@code block} tokens (four times that past the first frame), at most {@code iterations} rounds, until the
     * relative change falls under {@code threshold}.
     */
    public record Inversion(boolean sequential, int block, int iterations, double threshold) {

        /** Strom's default: Jacobi blocks of 16 tokens, at most 32 rounds, until the change is under 1e-3. */
        public static final Inversion JACOBI = jacobi(16, 32, 1e-3);
        public static final Inversion SEQUENTIAL = new Inversion(true, 1, 1, 0);

        public static Inversion jacobi(int block, int iterations, double threshold) {
            return new Inversion(false, block, iterations, threshold);
        }

        /** A fresh solver (a Jacobi solver records its iterations, so each clip gets its own). */
        public InverseMethod method() {
            return sequential ? new SequentialInverse() : new JacobiInverse(block, iterations, threshold);
        }
    }

    /** A fresh inverse method for one clip. */
    public InverseMethod method() {
        return inversion.method();
    }

    /** The user's guidance if given, else this one. */
    public Sampling withGuidance(Float w) {
        return w == null ? this : new Sampling(w, temperature, inversion, denoise, extendMarker, editMarker);
    }

    /** The user's temperature if given, else this one. */
    public Sampling withTemperature(Float t) {
        return t == null ? this : new Sampling(guidance, t, inversion, denoise, extendMarker, editMarker);
    }

    public Sampling withInversion(Inversion i) {
        return new Sampling(guidance, temperature, i, denoise, extendMarker, editMarker);
    }

    public Sampling withExtendMarker(boolean on) {
        return new Sampling(guidance, temperature, inversion, denoise, on, editMarker);
    }

    /**
     * The caption a window is made (or read) under: with the "(extend) " prefix when the model was trained on such
     * windows and the window's context starts mid-clip ({@code from} > 0).
     */
    public String windowCaption(String caption, int from) {
        return extendMarker && from > 0 ? Generation.extendCaption(caption) : caption;
    }

    public Sampling withEditMarker(boolean on) {
        return new Sampling(guidance, temperature, inversion, denoise, extendMarker, on);
    }

    /**
     * The caption guidance's unconditional branch is read under for a clip made in {@code mode}: the edit marker alone
     * for an edit of a model trained so ({@link #editMarker}), else the empty caption.
     */
    public String unconditionalCaption(Generation.Mode mode) {
        return editMarker && mode == Generation.Mode.EDIT ? Generation.EDIT_MARKER : "";
    }

    public Sampling withDenoise(boolean on) {
        return new Sampling(guidance, temperature, inversion, on, extendMarker, editMarker);
    }
}
