package dev.strom.flow;

import dev.strom.tensor.Scalar;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.strom.tensor.Parameters;

/** The layer's MLP: 4x expansion with exact GELU, or SwiGLU-style gating with tanh-GELU. */
final class FeedForward {

    private static final int EXPANSION = 4;
    private final Norm norm;
    private final Linear up;
    private final Linear down;
    private final Linear gate;
    private final Norm postNorm;

    FeedForward(Parameters p, String name, FlowConfig cfg, int width) {
        norm = Norm.of(cfg.normType(), p, name + ".norm", width);
        int hidden = width * EXPANSION;
        if (cfg.swiglu()) {
            gate = new Linear(p, name + ".gate_proj", width, hidden, cfg.bias());
            up = new Linear(p, name + ".up_proj", width, hidden, cfg.bias());
            down = new Linear(p, name + ".down_proj", hidden, width, cfg.bias());
        } else {
            gate = null;
            up = new Linear(p, name + ".main.0", width, hidden, cfg.bias());
            down = new Linear(p, name + ".main.2", hidden, width, cfg.bias());
        }
        postNorm = cfg.postNorm() ? new Norm.RmsNorm(p, name + ".post_norm", width) : null;
    }

    NDArray apply(NDArray x) {
        NDArray h = norm.apply(x);
        NDArray out;
        if (gate != null) {
            out = down.apply(tanhGelu(gate.apply(h)).mul(up.apply(h)));
        } else {
            out = down.apply(Activation.gelu(up.apply(h)));
        }
        return postNorm != null ? postNorm.apply(out) : out;
    }

    private static NDArray tanhGelu(NDArray x) {
        double c = Math.sqrt(2 / Math.PI);
        NDArray inner = Scalar.mul(x.add(Scalar.mul(Scalar.pow(x, 3), 0.044715f)), c).tanh();
        return Scalar.mul(x, 0.5f).mul(inner.add(1f));
    }
}
