package dev.strom.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors made from Java values, in memory the engine owns. Every tensor Strom makes from Java values is made here.
 *
 * <p>Why: DJL's PyTorch engine does not copy Java values into a tensor. It wraps a direct buffer
 * ({@code torch::from_blob}), and only the NDArray it returns keeps that buffer reachable. A view of that tensor
 * (a reshape, a slice) or a tensor autograd saved for the backward pass still points at the buffer after the NDArray
 * is closed; once the garbage collector has freed the buffer, whatever was allocated there since is read instead,
 * and which collection frees it depends on timing. {@link Scalar} is the same fix for DJL's arithmetic with a number,
 * whose freed constants made the same seed give another clip now and then (docs/experiments.md, session 35). A copy
 * the engine allocated has no tie to Java memory.
 */
public final class Tensors {

    private Tensors() {
    }

    /** A float32 tensor of {@code shape} holding {@code values} (row-major). */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** An int64 tensor of {@code shape} holding {@code values} (row-major): token ids. */
    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** A float64 tensor of {@code shape} holding {@code values} (row-major): sums a float would round. */
    public static NDArray of(NDManager manager, double[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** A one-dimensional float32 tensor of {@code values}. */
    public static NDArray of(NDManager manager, float[] values) {
        return of(manager, values, new Shape(values.length));
    }

    /** A float32 scalar, filled in by libtorch (as {@link Scalar#of}): no Java memory to copy. */
    public static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    /** An engine-allocated copy of a tensor that wraps Java memory; the wrapper is closed. */
    private static NDArray owned(NDArray wrapped) {
        try (wrapped) {
            return wrapped.duplicate();
        }
    }
}
