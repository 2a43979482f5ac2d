package dev.strom.tensor;

import java.util.Arrays;

/** A float32 tensor held on the Java heap: what a checkpoint stores, before it meets an engine. */
public record TensorData(long[] shape, float[] values) {

    public TensorData {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        long n = elements(shape);
        if (n < 0) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }

    /** The element count of a shape, or -1 when it has a negative dimension or does not fit in a long. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            if (d == 0) {
                return 0;
            }
        }
        for (long d : shape) {
            if (n > Long.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    public long size() {
        return values.length;
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
