package dev.strom.flow;

import dev.strom.tensor.Scalar;
import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The data-to-noise pass of a whole model.
 *
 * @param z        noise, in the input's latent layout
 * @param outputs  tokens [B, N, D] entering each block, then z's tokens (outputs.0 .. outputs.nb), in raster order
 * @param logdets  per-element -log a of each block, in that block's permuted order and batch layout (as the
 *                 reference reports them, which the parity check compares)
 * @param orders   how each block's log-det is laid out, to read it back in raster order ({@link #lossPerToken})
 * @param textOut  the deep block's text positions after its final norm (null without text)
 */
public record ForwardPass(NDArray z, List<NDArray> outputs, List<NDArray> logdets, List<BlockOrder> orders,
                          NDArray textOut) {

    /**
     * A block's token order over the layout it saw: one frame for a frame-local block, whose batch is then
     * B * T.
     */
    public record BlockOrder(Permutation permutation, TokenLayout seen) {
    }

    public long batch() {
        return z.getShape().get(0);
    }

    /** 0.5 * mean(z^2) per sample [B]. */
    public NDArray lossZ() {
        return Scalar.mul(z.square().reshape(batch(), -1).mean(new int[]{1}), 0.5f);
    }

    /** -sum over blocks of mean(log-det) per sample [B]. */
    public NDArray lossLogdet() {
        NDArray sum = null;
        for (NDArray l : logdets) {
            NDArray m = l.reshape(batch(), -1).mean(new int[]{1});
            sum = sum == null ? m : sum.add(m);
        }
        return sum.neg();
    }

    /**
     * The NLL per dimension up to a constant, per sample and frame [B, T] (T = 1 for images): every block keeps
     * frames in order (video permutations reverse tokens only inside a frame), so each frame's share of z and of
     * every log-det is read off directly. A frame's entry is its NLL given the frames before it, and the mean
     * over frames is {@link #lossPerSample()}.
     */
    public NDArray lossPerFrame() {
        long frames = z.getShape().dimension() == 5 ? z.getShape().get(1) : 1;
        NDArray sum = Scalar.mul(z.square().reshape(batch(), frames, -1).mean(new int[]{2}), 0.5f);
        for (NDArray l : logdets) {
            sum = sum.sub(l.reshape(batch(), frames, -1).mean(new int[]{2}));
        }
        return sum;
    }

    /**
     * Each token's share of the NLL per dimension, per sample and token in raster order [B, N]: half its mean z^2
     * less the mean of every block's log-det over its elements. A token's entry is an attribution, not its
     * conditional likelihood (later blocks mix tokens), but the mean over tokens is {@link #lossPerSample()} and the
     * mean over a frame's tokens is that frame's {@link #lossPerFrame()} entry, so weighting tokens reweighs the
     * same objective.
     */
    public NDArray lossPerToken() {
        NDArray zTokens = outputs.get(outputs.size() - 1);
        long tokens = zTokens.getShape().get(1);
        NDArray sum = Scalar.mul(zTokens.square().mean(new int[]{2}), 0.5f);
        for (int k = 0; k < logdets.size(); k++) {
            BlockOrder order = orders.get(k);
            NDArray raster = order.permutation().apply(logdets.get(k), order.seen()).reshape(batch(), tokens, -1);
            sum = sum.sub(raster.mean(new int[]{2}));
        }
        return sum;
    }

    /**
     * The NLL per dimension with each token's share ({@link #lossPerToken()}) weighted, per sample [B]: sum(w * l) /
     * sum(w) over a sample's tokens, so weights of one give {@link #lossPerSample()}.
     *
     * @param weights [B, N], positive, in raster token order
     */
    public NDArray lossPerSample(NDArray weights) {
        return lossPerToken().mul(weights).sum(new int[]{1}).div(weights.sum(new int[]{1}));
    }

    /**
     * The NLL per dimension of frames {@code k} onward given the frames before them, per sample [B]: from 0 the
     * whole sample's ({@link #lossPerSample()}), from a later frame the mean of {@link #lossPerFrame()} over the
     * frames read.
     */
    public NDArray lossFrom(int k) {
        return k == 0 ? lossPerSample() : lossPerFrame().get(":, " + k + ":").mean(new int[]{1});
    }

    /** The NLL per dimension up to a constant, per sample [B]: (-log p(x) - D/2 log 2 pi) / D. */
    public NDArray lossPerSample() {
        return lossZ().add(lossLogdet());
    }

    /** Mean of {@link #lossPerSample()} over the batch: the reference's get_loss(...)['loss']. */
    public NDArray loss() {
        return lossPerSample().mean();
    }
}
