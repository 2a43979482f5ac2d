package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * What a sample is conditioned on: the prompt's text features, and for classifier-free guidance the empty
 * caption's features with the guidance weight w (the sample follows p(x | text)^(1+w) / p(x)^w). The first step's
 * velocity reads the prompt's words alone: guidance weighs the deep block's predictions, not the velocity.
 *
 * @param text      conditional text (null for unconditional models)
 * @param emptyText the empty caption's features to guide against, or null for no guidance
 * @param guidance  w >= 0; with emptyText present and w = 0 the result equals the unguided one
 */
public record Conditioning(TextFeatures text, TextFeatures emptyText, float guidance) {

    public Conditioning {
        if (!Float.isFinite(guidance) || guidance < 0) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** Conditioned on text rows [B, L, txt] without words (a flow that reads words refuses them), as the canonical form. */
    public Conditioning(NDArray text, NDArray emptyText, float guidance) {
        this(TextFeatures.of(text), TextFeatures.of(emptyText), guidance);
    }

    /** Conditioned on the text alone, no guidance. */
    public static Conditioning on(TextFeatures text) {
        return new Conditioning(text, null, 0f);
    }

    /** Conditioned on text rows alone, no guidance. */
    public static Conditioning on(NDArray text) {
        return on(TextFeatures.of(text));
    }

    /** The conditional text's rows [B, L, txt], or null. */
    NDArray rows() {
        return text == null ? null : text.rows();
    }

    /** The empty caption's rows [B, L, txt], or null. */
    NDArray emptyRows() {
        return emptyText == null ? null : emptyText.rows();
    }
}
