package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

/** y = x W^T + b with torch's [out, in] weight layout and default initialisation. */
final class Linear {

    private final NDArray weight;
    private final NDArray bias;

    Linear(Parameters p, String name, int in, int out, boolean bias) {
        this(p, name, in, out, bias, new Init.Uniform(in));
    }

    Linear(Parameters p, String name, int in, int out, boolean bias, Init weightInit) {
        this.weight = p.declare(name + ".weight", new long[]{out, in}, weightInit);
        this.bias = bias ? p.declare(name + ".bias", new long[]{out}, new Init.Uniform(in)) : null;
    }

    NDArray apply(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
