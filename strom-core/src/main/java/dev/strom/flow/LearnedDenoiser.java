package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import dev.strom.tensor.Scalar;

/**
 * STARFlow-V's learned self-denoiser: a non-causal transformer over [text; all frames], each frame
 * attending to a window of frames with one frame of look-ahead. Trained by flow score matching to
 * predict (noise_std^2/0.3) * -grad log p(x~); applied as x - 0.3 * out.
 */
public final class LearnedDenoiser {

    /** The fixed step constant of the reference's inference. */
    public static final float STEP = 0.3f;
    private static final String NAME = "learnable_self_denoiser";
    /** Its tensors' names start with this. */
    public static final String PREFIX = NAME + ".";

    private final FlowConfig config;
    private final Linear projIn;
    private final Linear projTxt;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final Linear projOut;
    private final RotaryEmbedding rope;

    LearnedDenoiser(Parameters p, FlowConfig cfg, RotaryEmbedding rope) {
        this.config = cfg;
        this.rope = rope;
        FlowConfig.BlockSpec spec = cfg.denoiserBlock();
        int w = spec.width();
        projIn = new Linear(p, NAME + ".proj_in", cfg.tokenDim(), w, true);
        projTxt = spec.conditioned() ? new Linear(p, NAME + ".proj_txt", spec.txtDim(), w, true) : null;
        for (int i = 0; i < spec.layers(); i++) {
            layers.add(new TransformerLayer(p, NAME + ".attn_blocks." + i, cfg, spec, i));
        }
        finalNorm = cfg.finalNorm() ? new Norm.RmsNorm(p, NAME + ".final_norm", w) : null;
        projOut = new Linear(p, NAME + ".proj_out", w, cfg.tokenDim(), true, Init.ZEROS);
    }

    /** The network's output for noisy x (latent layout): the predicted scaled negative score. */
    public NDArray predict(NDArray x, NDArray y) {
        Latent latent = Latent.of(x, config, "input");
        TokenLayout layout = latent.layout();
        NDArray h = projIn.apply(latent.patchify(x));
        int textLength = 0;
        if (projTxt != null) {
            textLength = (int) y.getShape().get(1);
            h = NDArrays.concat(new NDList(projTxt.apply(y), h), 1);
        }
        NDArray mask = config.temporalCausal() > 0 && latent.video()
                ? AttentionMask.frameWindow(x.getManager(), textLength, layout.frameSize(), layout.frames(),
                config.temporalCausal(), config.denoiserWindow())
                : null;
        try (RotaryTable table = rope.table(x.getManager(), layout, textLength)) {
            for (TransformerLayer layer : layers) {
                h = layer.apply(h, table, 0, null, mask);
            }
        }
        if (finalNorm != null) {
            h = finalNorm.apply(h);
        }
        NDArray out = projOut.apply(h.get(new NDIndex().addAllDim().addSliceDim(textLength, textLength + layout.length())));
        return latent.unpatchify(out);
    }

    /** Denoised sample x - 0.3 * out. */
    public NDArray denoise(NDArray x, NDArray y) {
        return x.sub(Scalar.mul(predict(x, y), STEP));
    }

    /** Flow score matching target: noise_std * numel(x) * d(training objective)/dx. */
    public static NDArray target(StarFlow flow, NDArray x, TextFeatures y) {
        NDArray grad = flow.lossGradient(x, y, true);
        return Scalar.mul(grad, (double) flow.config().noiseStd() * x.getShape().size());
    }

    /**
     * Denoising score matching against the clean data: the target is the noise itself, (noisy - clean) / STEP, so
     * {@link #denoise} of a noisy sample estimates E[clean | noisy] (Tweedie) under the data the denoiser learned
     * from. Unlike {@link #target}, the flow's own score, it does not inherit the flow's errors: a flow whose
     * density prefers "held still" has a score that pulls samples towards still, and the denoiser copied that.
     */
    public NDArray denoisingLoss(NDArray noisy, NDArray clean, NDArray y) {
        return loss(noisy, y, Scalar.div(noisy.sub(clean), STEP));
    }

    /** mean((out - target)^2). */
    public NDArray loss(NDArray x, NDArray y, NDArray target) {
        return predict(x, y).sub(target).square().mean();
    }
}
