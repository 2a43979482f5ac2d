package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/** A way to invert one flow block: solve x_t = z_t * a_t(x_<t) + b_t(x_<t) for all t. */
public sealed interface InverseMethod permits SequentialInverse, JacobiInverse {

    /**
     * @param step      the block's predictor, positioned after any text prefix
     * @param zp        noise tokens in the block's permuted order [B', N, D]
     * @param frameSize tokens per frame in this sequence
     * @param known     data tokens already fixed at the start of the sequence [B', P, D] (context frames of
     *                  image-to-video and extension), or null; their noise in {@code zp} is ignored
     * @return data tokens in permuted order [B', N, D], beginning with {@code known}
     */
    NDArray solve(InverseStep step, NDArray zp, int frameSize, NDArray known);
}
