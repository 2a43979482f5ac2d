package dev.strom.flow;

import dev.strom.tensor.Scalar;
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
     * Pairwise contrast: the truth against each wrong candidate on its own, softplus(margin - (log p(truth) - log
     * p(wrong))) averaged over the wrong ones and the clips, in nats. Where one candidate is far likelier than the
     * truth (an empty background beside a frame with an object), a softmax over all of them gives that one nearly all
     * of the gradient; here every pair's gradient is at most one, so each corruption teaches on its own.
     */
    public static NDArray pairwiseContrast(NDArray logLikelihoods, float marginNats) {
        NDArray truth = logLikelihoods.get(":, 0:1");
        NDArray wrong = logLikelihoods.get(":, 1:");
        NDArray gap = wrong.sub(truth).add(Scalar.of(wrong, marginNats));
        // softplus(x) = max(x, 0) + log(1 + exp(-|x|)), which does not overflow for gaps of hundreds of nats
        NDArray softplus = gap.maximum(Scalar.of(gap, 0)).add(gap.abs().neg().exp().add(Scalar.of(gap, 1)).log());
        return softplus.mean();
    }

    /**
     * Bits per dimension of 8-bit data scaled to [-1, 1] with uniform dequantisation, from the per-sample
     * loss: bpd = (-log p(x) + D log 128) / (D ln 2) and -log p(x) / D = loss + log(2 pi) / 2.
     */
    public static double bitsPerDim(double lossPerDim) {
        return (lossPerDim + HALF_LOG_2PI + LOG_128) / Math.log(2);
    }
}
