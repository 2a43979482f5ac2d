package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

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
        return like.getManager().create(noise, shape);
    }

    public static NDArray apply(NDArray x, float sigma, Random rng) {
        return sigma == 0 ? x : x.add(gaussian(x, sigma, rng));
    }
}
