package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe under autograd.
 *
 * <p>DJL's PyTorch {@code NDArray.mul(Number)} / {@code div(Number)} / {@code pow(Number)} wrap the number in a
 * tensor that views a Java direct buffer ({@code torch::from_blob}, no copy) and close it straight away.
 * Autograd keeps that tensor for the backward pass, but its memory belongs to the buffer: once the GC has
 * collected the buffer, backward reads freed memory and returns garbage or NaN gradients. A constant made
 * by {@code NDManager.full} is allocated and reference-counted by libtorch, so it lives as long as the graph
 * needs it. Use these helpers for every constant factor on a path that may be differentiated.
 */
final class Scalar {

    private Scalar() {
    }

    /** A 0-d tensor holding v, owned by libtorch, with x's manager and type. */
    static NDArray of(NDArray x, double v) {
        return x.getManager().full(new Shape(), (float) v, x.getDataType());
    }

    static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    static NDArray div(NDArray x, double v) {
        return x.div(of(x, v));
    }

    static NDArray pow(NDArray x, double v) {
        return x.pow(of(x, v));
    }
}
