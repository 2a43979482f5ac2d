package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/** The training objective and the exact likelihood in bits per dimension. */
public final class FlowLoss {

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_128 = Math.log(128);

    private FlowLoss() {
    }

    /**
     * What training minimises: the per-dimension NLL, weighted by noise_std/0.3 when the config
     * conditions on the noise level, plus latent_norm_regularization * sum of mean(x_k^2) over the
     * inputs of every block.
     */
    public static NDArray training(ForwardPass pass, FlowConfig cfg) {
        return training(pass.lossPerSample(), pass, cfg);
    }

    /** {@link #training(ForwardPass, FlowConfig)} over the given per-sample losses of the pass (some of its rows). */
    public static NDArray training(NDArray perSample, ForwardPass pass, FlowConfig cfg) {
        if (cfg.condNoiseLevel()) {
            perSample = Scalar.mul(perSample, cfg.noiseStd() / 0.3);
        }
        NDArray loss = perSample.mean();
        if (cfg.latentNormRegularization() > 0) {
            for (int k = 0; k < cfg.numBlocks(); k++) {
                loss = loss.add(Scalar.mul(pass.outputs().get(k).square().mean(), cfg.latentNormRegularization()));
            }
        }
        return loss;
    }

    /**
     * The log-likelihoods [clips, K] from the per-sample losses ({@link ForwardPass#lossPerSample}) of a pass over
     * {@code dims}-dimensional rows that come in groups of K: one clip under each of its K candidate captions, the
     * true one first. In nats, up to a constant shared by each group.
     */
    public static NDArray captionLogLikelihoods(NDArray lossPerSample, long dims, int candidates) {
        return Scalar.mul(lossPerSample, -dims).reshape(lossPerSample.size() / candidates, candidates);
    }

    /**
     * Caption contrast: which of K captions was a clip made from, read off the model's own likelihoods
     * ({@link #captionLogLikelihoods}, true caption first): the mean cross-entropy of picking the true caption,
     * in nats per clip. Everything the caption does not decide cancels between a group's rows, so the gradient
     * lands on the few tokens the text decides (where an object starts, which way it first moves, what an edit
     * turns into), which the likelihood alone weighs with a few bits of a clip's hundreds of thousands.
     */
    public static NDArray captionContrast(NDArray logLikelihoods) {
        return logLikelihoods.logSoftmax(1).get(":, 0").neg().mean();
    }

    /**
     * Bits per dimension of 8-bit data scaled to [-1, 1] with uniform dequantisation, from the per-sample
     * loss: bpd = (-log p(x) + D log 128) / (D ln 2) and -log p(x) / D = loss + log(2 pi) / 2.
     */
    public static double bitsPerDim(double lossPerDim) {
        return (lossPerDim + HALF_LOG_2PI + LOG_128) / Math.log(2);
    }
}
