package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import dev.strom.tensor.Parameters;

/** Pre-norm transformer layer: s += Attn(s); s += MLP(s). */
final class TransformerLayer {

    private final Attention attention;
    private final FeedForward mlp;
    private final int index;

    TransformerLayer(Parameters p, String name, FlowConfig cfg, FlowConfig.BlockSpec spec, int index) {
        this.index = index;
        attention = new Attention(p, name + ".attention", cfg, spec);
        mlp = new FeedForward(p, name + ".mlp", cfg, spec.width());
    }

    NDArray apply(NDArray s, RotaryTable rope, int start, KvCache cache, NDArray mask) {
        s = s.add(attention.apply(s, rope, start, cache, index, mask));
        return s.add(mlp.apply(s));
    }

    int kvHeads() {
        return attention.kvHeads();
    }
}
