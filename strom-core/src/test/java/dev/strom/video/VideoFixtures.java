package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.StarFlow;
import dev.strom.latent.AutoencoderConfig;
import dev.strom.latent.VideoAutoencoder;
import dev.strom.tensor.Parameters;
import dev.strom.text.HashedTextEncoder;

import java.util.Random;
import java.util.function.UnaryOperator;

/** Small random text-to-video models for specs that need a whole pipeline. */
public final class VideoFixtures {

    private VideoFixtures() {
    }

    /** A random {@code frames}-frame, size x size video model whose blocks are not the identity. */
    public static VideoModel model(NDManager m, int frames, int size) {
        return model(m, frames, size, 0.1);
    }

    /** The fixtures' text encoder: small, and its bag of words {@link #TEXT_VOCABULARY} wide. */
    public static final HashedTextEncoder.Config TEXT = new HashedTextEncoder.Config(64, 64, 6, 4, 16, 1, 1);
    public static final int TEXT_VOCABULARY = TEXT.vocabulary();

    /**
     * A random latent video model: a random causal autoencoder (4 latent channels, 4x spatial and 4x temporal
     * compression) and a flow on its latents; {@code frames} must be 1 + 4k.
     */
    public static VideoModel latentModel(NDManager m, int frames, int size) {
        FlowConfig config = FlowConfig.builder().inChannels(4).imgSize(size / 4).patchSize(1).channels(32).topChannels(32)
                .layersPerBlock(1, 1).headDim(32).txtSize(6).txtDim(16).condTopOnly(true).softplus(true)
                .finalNorm(true).softClip(4).reversedOrder(false).temporalCausal(2).shallowBlockLocal(true)
                .noiseStd(0.2f).build();
        StarFlow flow = StarFlow.initialise(config, m, 21);
        randomiseOutputs(flow, new Random(22));
        Parameters textParams = Parameters.initialised(m, 23);
        HashedTextEncoder text = new HashedTextEncoder(textParams, TEXT);
        VideoAutoencoder ae = VideoAutoencoder.initialise(AutoencoderConfig.of(4, 8, 4, 4, 0.1f, 1e-3f), 3, m, 24);
        return new VideoModel(flow, text, textParams, new VideoSpec(frames, size, 8), Sampling.FALLBACK, m, ae);
    }

    /** Gives the flow's zero-started output projections weights, so blocks are not the identity and frames interact. */
    private static void randomiseOutputs(StarFlow flow, Random rng) {
        for (var e : flow.parameters().all().entrySet()) {
            if (e.getKey().contains("proj_out")) {
                NDArray p = e.getValue();
                float[] w = new float[(int) p.size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) rng.nextGaussian() * 0.05f;
                }
                p.set(w);
            }
        }
    }

    /** As above, trained (so to speak) with noise augmentation of {@code noiseStd}. */
    public static VideoModel model(NDManager m, int frames, int size, double noiseStd) {
        return model(m, frames, size, noiseStd, UnaryOperator.identity());
    }

    /** As above, with {@code more} of the flow's options set (motion compensation, say). */
    public static VideoModel model(NDManager m, int frames, int size, double noiseStd, UnaryOperator<FlowConfig.Builder> more) {
        FlowConfig config = more.apply(FlowConfig.builder().inChannels(3).imgSize(size).patchSize(2).channels(32).topChannels(32)
                .layersPerBlock(1, 1).headDim(32).txtSize(6).txtDim(16).condTopOnly(true).softplus(true)
                .finalNorm(true).softClip(4).reversedOrder(false).temporalCausal(2).shallowBlockLocal(true)
                .noiseStd((float) noiseStd)).build();
        StarFlow flow = StarFlow.initialise(config, m, 11);
        randomiseOutputs(flow, new Random(12));
        Parameters textParams = Parameters.initialised(m, 13);
        HashedTextEncoder text = new HashedTextEncoder(textParams, TEXT);
        return new VideoModel(flow, text, textParams, new VideoSpec(frames, size, 8), Sampling.FALLBACK, m);
    }
}
