package dev.strom.tensor;

import java.util.Arrays;

/** A float32 tensor held on the Java heap: what a checkpoint stores, before it meets an engine. */
public record TensorData(long[] shape, float[] values) {

    public TensorData {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }

    public long size() {
        return values.length;
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
