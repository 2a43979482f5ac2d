package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * What a sample is conditioned on: the prompt's text features, and for classifier-free guidance the empty
 * caption's features with the guidance weight w (the sample follows p(x | text)^(1+w) / p(x)^w).
 *
 * @param text      conditional text [B, L, txt] (null for unconditional models)
 * @param emptyText the empty caption's features [B, L', txt] to guide against, or null for no guidance
 * @param guidance  w >= 0; with emptyText present and w = 0 the result equals the unguided one
 */
public record Conditioning(NDArray text, NDArray emptyText, float guidance) {

    public Conditioning {
        if (!Float.isFinite(guidance) || guidance < 0) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** Conditioned on the text alone, no guidance. */
    public static Conditioning on(NDArray text) {
        return new Conditioning(text, null, 0f);
    }
}
