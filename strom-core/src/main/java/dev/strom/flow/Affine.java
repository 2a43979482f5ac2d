package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * What a flow block predicts for each token: the Gaussian it is drawn from, x = z * scale + shift (the paper's
 * a and b, scale > 0). The forward pass inverts it, z = (x - shift) / scale, with log-determinant -log scale.
 */
public record Affine(NDArray scale, NDArray shift) {

    /** x from noise z. */
    public NDArray sample(NDArray z) {
        return z.mul(scale).add(shift);
    }
}
