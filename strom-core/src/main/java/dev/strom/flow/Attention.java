package dev.strom.flow;

import dev.strom.tensor.Scalar;
import java.util.List;

import ai.djl.ndarray.NDArray;
import dev.strom.tensor.Parameters;

/**
 * Multi-head self-attention with rotary q/k, optional grouped key/value heads, optional q/k RMSNorm,
 * and an additive mask (null: every query sees every key it is given).
 */
final class Attention {

    private final Norm norm;
    private final Linear qkv;
    private final Linear proj;
    private final Norm queryNorm;
    private final Norm keyNorm;
    private final Norm postNorm;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final double scale;

    Attention(Parameters p, String name, FlowConfig cfg, FlowConfig.BlockSpec spec) {
        int w = spec.width();
        heads = spec.heads();
        kvHeads = spec.kvHeads();
        headDim = cfg.headDim();
        norm = Norm.of(cfg.normType(), p, name + ".norm", w);
        qkv = new Linear(p, name + ".qkv", w, (heads + 2 * kvHeads) * headDim, cfg.bias());
        proj = new Linear(p, name + ".proj", heads * headDim, w, cfg.bias());
        queryNorm = cfg.qkNorm() ? new Norm.RmsNorm(p, name + ".query_norm", headDim) : null;
        keyNorm = cfg.qkNorm() ? new Norm.RmsNorm(p, name + ".key_norm", headDim) : null;
        postNorm = cfg.postNorm() ? new Norm.RmsNorm(p, name + ".post_norm", w) : null;
        // The reference squares head_dim^-1/4 in double precision.
        double sqrtScale = Math.pow(headDim, -0.25);
        scale = sqrtScale * sqrtScale;
    }

    int kvHeads() {
        return kvHeads;
    }

    /**
     * @param x     [B, n, W], the chunk at positions start .. start+n
     * @param cache keys/values of earlier positions (null: x is the whole sequence, start is 0)
     * @param mask  additive [n, keys] mask or null
     */
    NDArray apply(NDArray x, RotaryTable rope, int start, KvCache cache, int layer, NDArray mask) {
        var s = x.getShape();
        long b = s.get(0);
        long n = s.get(1);
        NDArray h = qkv.apply(norm.apply(x));
        NDArray q = h.get(":, :, 0:" + heads * headDim).reshape(b, n, heads, headDim).transpose(0, 2, 1, 3);
        NDArray k = h.get(":, :, " + heads * headDim + ":" + (heads + kvHeads) * headDim)
                .reshape(b, n, kvHeads, headDim).transpose(0, 2, 1, 3);
        NDArray v = h.get(":, :, " + (heads + kvHeads) * headDim + ":")
                .reshape(b, n, kvHeads, headDim).transpose(0, 2, 1, 3);
        if (queryNorm != null) {
            q = queryNorm.apply(q);
            k = keyNorm.apply(k);
        }
        if (rope != null) {
            q = rope.rotate(q, start);
            k = rope.rotate(k, start);
        }
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v, (int) n);
            k = kv[0];
            v = kv[1];
        }
        if (kvHeads != heads) {
            k = k.repeat(1, heads / kvHeads);
            v = v.repeat(1, heads / kvHeads);
        }
        NDArray qt = q;
        NDArray kt = k;
        NDArray vt = v;
        // the attention maps ([B, heads, n, n], four of them on the way) go as soon as the layer's output is made,
        // not when the whole pass ends: one layer's worth is alive at a time instead of every layer's
        NDArray out = StarFlow.keep(() -> {
            NDArray logits = Scalar.mul(qt.matMul(kt.transpose(0, 1, 3, 2)), scale);
            if (mask != null) {
                logits = logits.add(mask);
            }
            return List.of(logits.softmax(-1).matMul(vt).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * headDim));
        }).get(0);
        out = proj.apply(out);
        return postNorm != null ? postNorm.apply(out) : out;
    }
}
