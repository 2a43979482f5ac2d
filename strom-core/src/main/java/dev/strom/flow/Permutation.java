package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * Token orders that flow blocks alternate, so every token is eventually conditioned on every other.
 * All three are involutions, so the same call undoes them.
 */
public enum Permutation {
    /** Raster order. */
    IDENTITY,
    /** The whole sequence reversed (images). */
    FLIP,
    /** Reversed inside each frame, frames kept in order: keeps the flow causal in time. */
    FLIP_IN_FRAME;

    /** Applies the order to tokens [B, N, C] laid out as {@code layout}. */
    public NDArray apply(NDArray tokens, TokenLayout layout) {
        return switch (this) {
            case IDENTITY -> tokens;
            case FLIP -> tokens.flip(1);
            case FLIP_IN_FRAME -> {
                long b = tokens.getShape().get(0);
                long c = tokens.getShape().get(2);
                yield tokens.reshape(b, layout.frames(), layout.frameSize(), c).flip(2).reshape(b, layout.length(), c);
            }
        };
    }
}
