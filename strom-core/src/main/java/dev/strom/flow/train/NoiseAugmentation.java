package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Random;
import dev.strom.tensor.Tensors;

/**
 * x~ = x + sigma * eps. The noise comes from a seeded Java generator, not the engine's global one,
 * so a run is reproducible whatever else used the engine.
 */
public final class NoiseAugmentation {

    private NoiseAugmentation() {
    }

    public static NDArray gaussian(NDArray like, float sigma, Random rng) {
        Shape shape = like.getShape();
        float[] noise = new float[(int) shape.size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (rng.nextGaussian() * sigma);
        }
        return Tensors.of(like.getManager(), noise, shape);
    }

    public static NDArray apply(NDArray x, float sigma, Random rng) {
        return sigma == 0 ? x : x.add(gaussian(x, sigma, rng));
    }

    /**
     * x~ for rows that come in groups of {@code k} (candidates for one clip, one after another): every row of a
     * group gets the same noise draw, so the candidates differ only in what they hold. The draws come from rng
     * group by group, as {@link #apply} would draw them for one row per group.
     */
    public static NDArray applyShared(NDArray x, int k, float sigma, Random rng) {
        if (sigma == 0) {
            return x;
        }
        Shape shape = x.getShape();
        long groups = shape.get(0) / k;
        if (groups * k != shape.get(0)) {
            throw new IllegalArgumentException(shape.get(0) + " rows do not come in groups of " + k);
        }
        long[] one = shape.getShape().clone();
        one[0] = groups;
        NDArray noise = gaussian(x.getManager().zeros(new Shape(one)), sigma, rng);
        return x.add(noise.repeat(0, k));
    }
}
