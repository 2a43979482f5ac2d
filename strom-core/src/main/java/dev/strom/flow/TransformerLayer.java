package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import dev.strom.tensor.Parameters;

import java.util.regex.Pattern;

/** Pre-norm transformer layer: s += Attn(s); s += MLP(s). */
public final class TransformerLayer {

    /**
     * The tensors whose zero makes a layer pass its input through unchanged: the last projection of each residual
     * branch (attention's output, the MLP's down projection in either form).
     */
    static final Pattern RESIDUAL_OUTPUTS = Pattern.compile("\\.(attention\\.proj|mlp\\.down_proj|mlp\\.main\\.2)\\.(weight|bias)$");

    private final Attention attention;
    private final FeedForward mlp;
    private final int index;

    TransformerLayer(Parameters p, String name, FlowConfig cfg, FlowConfig.BlockSpec spec, int index) {
        this.index = index;
        attention = new Attention(p, name + ".attention", cfg, spec);
        mlp = new FeedForward(p, name + ".mlp", cfg, spec.width());
    }

    /** A plain layer (LayerNorm, GELU MLP, biases) for encoders outside the flow. */
    public static TransformerLayer plain(Parameters p, String name, int width, int heads, int headDim) {
        FlowConfig cfg = FlowConfig.builder().inChannels(1).imgSize(1).channels(width).layersPerBlock(1)
                .headDim(headDim).numHeads(heads).numKvHeads(heads).softplus(true).reversedOrder(false).build();
        return new TransformerLayer(p, name, cfg, cfg.block(0), 0);
    }

    /** Applies the layer to a whole sequence [B, S, W] without positions; mask is additive or null. */
    public NDArray apply(NDArray s, NDArray mask) {
        return apply(s, null, 0, null, mask);
    }

    NDArray apply(NDArray s, RotaryTable rope, int start, KvCache cache, NDArray mask) {
        s = s.add(attention.apply(s, rope, start, cache, index, mask));
        return s.add(mlp.apply(s));
    }

    int kvHeads() {
        return attention.kvHeads();
    }
}
