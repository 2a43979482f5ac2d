package dev.strom.tensor;

import java.util.Random;
import java.util.Arrays;

/** How a freshly created parameter is filled. Names follow PyTorch's defaults, which the reference uses. */
public sealed interface Init {

    float[] fill(int n, Random rng);

    /** All zeros (proj_out.weight in the reference: each flow block starts as the identity). */
    record Zeros() implements Init {
        public float[] fill(int n, Random rng) {
            return new float[n];
        }
    }

    /** A constant, e.g. 1 for LayerNorm weights. */
    record Constant(float value) implements Init {
        public float[] fill(int n, Random rng) {
            float[] v = new float[n];
            Arrays.fill(v, value);
            return v;
        }
    }

    /** Gaussian with the given standard deviation (sos_embed: randn). */
    record Normal(float std) implements Init {
        public float[] fill(int n, Random rng) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (rng.nextGaussian() * std);
            }
            return v;
        }
    }

    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)): torch.nn.Linear's default for weight and bias. */
    record Uniform(int fanIn) implements Init {
        public float[] fill(int n, Random rng) {
            double bound = 1.0 / Math.sqrt(fanIn);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            return v;
        }
    }

    Init ZEROS = new Zeros();
    Init ONES = new Constant(1f);
}
