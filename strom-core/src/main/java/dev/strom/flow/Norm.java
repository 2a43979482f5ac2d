package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

/** The normalisations the reference uses: LayerNorm (eps 1e-5), RMSNorm with a (1 + w) gain, or none. */
interface Norm {

    NDArray apply(NDArray x);

    static Norm of(FlowConfig.NormType type, Parameters p, String name, int dim) {
        return switch (type) {
            case LAYER_NORM -> new LayerNorm(p, name, dim);
            case RMS_NORM -> new RmsNorm(p, name, dim);
            case NONE -> x -> x;
        };
    }

    final class LayerNorm implements Norm {
        private final NDArray weight;
        private final NDArray bias;
        private final Shape shape;

        LayerNorm(Parameters p, String name, int dim) {
            weight = p.declare(name + ".weight", new long[]{dim}, Init.ONES);
            bias = p.declare(name + ".bias", new long[]{dim}, Init.ZEROS);
            shape = new Shape(dim);
        }

        public NDArray apply(NDArray x) {
            return ai.djl.nn.norm.LayerNorm.layerNorm(x, shape, weight, bias, 1e-5f).singletonOrThrow();
        }
    }

    /** x * rsqrt(mean(x^2) + 1e-6) * (1 + w); w starts at zero so the gain starts at one. */
    final class RmsNorm implements Norm {
        private final NDArray weight;

        RmsNorm(Parameters p, String name, int dim) {
            weight = p.declare(name + ".weight", new long[]{dim}, Init.ZEROS);
        }

        public NDArray apply(NDArray x) {
            NDArray rms = x.square().mean(new int[]{-1}, true).add(1e-6f).sqrt();
            return x.div(rms).mul(weight.add(1f));
        }
    }
}
