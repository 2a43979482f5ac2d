package dev.strom.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe under autograd. Every product, quotient, power, maximum or minimum of a
 * tensor and a number in Strom goes through here.
 *
 * <p>DJL's PyTorch {@code NDArray.mul(Number)}, {@code div}, {@code pow}, {@code maximum} and {@code minimum} wrap
 * the number in a tensor that views a Java direct buffer ({@code torch::from_blob}, no copy) and close it straight
 * away. Autograd keeps that tensor for the backward pass, but its memory belongs to the buffer: once the garbage
 * collector has freed the buffer, backward reads whatever was allocated there since, and the gradient changes from
 * call to call (see {@link Tensors}). A constant made by {@code NDManager.full} is allocated and reference-counted
 * by libtorch, so it lives as long as the graph needs it. ({@code add} and {@code sub} keep nothing for backward and
 * may take a number directly.)
 */
public final class Scalar {

    private Scalar() {
    }

    /** A 0-d tensor holding v, owned by libtorch, with x's manager and type. */
    public static NDArray of(NDArray x, double v) {
        return x.getManager().full(new Shape(), (float) v, x.getDataType());
    }

    public static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    public static NDArray div(NDArray x, double v) {
        return x.div(of(x, v));
    }

    public static NDArray pow(NDArray x, double v) {
        return x.pow(of(x, v));
    }

    public static NDArray maximum(NDArray x, double v) {
        return x.maximum(of(x, v));
    }

    public static NDArray minimum(NDArray x, double v) {
        return x.minimum(of(x, v));
    }
}
