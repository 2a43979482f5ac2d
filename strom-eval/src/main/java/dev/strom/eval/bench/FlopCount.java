package dev.strom.eval.bench;

import dev.strom.flow.FlowConfig;
import dev.strom.flow.TokenLayout;

/** Matrix-multiply FLOPs of one forward pass, counted from the config (2 per multiply-add). */
public final class FlopCount {

    private FlopCount() {
    }

    /** FLOPs of a full forward pass over a batch of latents laid out as {@code layout} with text length L. */
    public static double forward(FlowConfig cfg, TokenLayout layout, int textLength, int batch) {
        double total = 0;
        for (int i = 0; i < cfg.numBlocks(); i++) {
            FlowConfig.BlockSpec b = cfg.block(i);
            if (b.layers() == 0) {
                continue;
            }
            boolean local = b.frameLocal() && layout.frames() > 1;
            int sequences = local ? batch * layout.frames() : batch;
            int n = local ? layout.frameSize() : layout.length();
            int l = b.conditioned() ? textLength : 0;
            total += sequences * block(cfg, b, n, l);
        }
        return total;
    }

    private static double block(FlowConfig cfg, FlowConfig.BlockSpec b, int n, int l) {
        double w = b.width();
        double d = cfg.tokenDim();
        double hd = cfg.headDim();
        double s = n + l;
        double perLayer = 2 * s * w * (b.heads() + 2.0 * b.kvHeads()) * hd   // qkv
                + 2 * 2 * s * s * b.heads() * hd / 2                           // causal q.k and a.v (half the square)
                + 2 * s * b.heads() * hd * w                                   // out projection
                + 2 * 2 * s * w * 4 * w;                                       // MLP
        return b.layers() * perLayer + 2 * n * d * w + 2 * l * b.txtDim() * w + 2 * n * w * 2 * d;
    }
}
