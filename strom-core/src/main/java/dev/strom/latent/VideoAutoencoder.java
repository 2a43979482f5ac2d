package dev.strom.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * A small causal video autoencoder, the latent space STARFlow-V's flow works in, scaled down: each latent frame
 * holds {@code temporal} frames at 1/{@code spatial} of the size, and the first frame is encoded alone, so a still
 * is latent frame 0 and image-to-video stays "the still is frame 0". Causal both ways: latent frame k reads only
 * the pixel frames it holds, and its frames are decoded from latent frames k and k - 1 only, so a clip can be
 * made, read and streamed latent frame by latent frame.
 * <p>
 * Every frame goes through the same 2-D convolutional encoder (stride-2 stages down to the latent grid); a
 * group's features are stacked on the channel axis and mixed into the latent. Decoding mirrors it: the latent (and
 * the one before, for continuity across groups) gives each frame of the group its features, which upsample back to
 * pixels. All convolutions are PyTorch's, through DJL, so autograd and the CPU kernels come with the engine.
 * <p>
 * Clips go in as [B, T, C, H, W] in [-1, 1] with T = 1 + temporal * k; latents come out [B, 1 + k, c, H/s, W/s],
 * normalised per channel by the configured statistics.
 */
public final class VideoAutoencoder {

    /** The prefix of the autoencoder's tensors in a model's weights. */
    public static final String PREFIX = "autoencoder.";

    private final AutoencoderConfig config;
    private final int pixelChannels;
    private final Parameters parameters;
    private final Conv encoderIn;
    private final List<Conv> encoderDown = new ArrayList<>();
    private final Conv[] encodeFirst;
    private final Conv[] encodeGroup;
    private final Conv[] decodeFirst;
    private final Conv[] decodeGroup;
    private final List<Conv> decoderUp = new ArrayList<>();
    private final Conv decoderOut;

    /** Declares the autoencoder's parameters in {@code p} (fresh or loaded) under {@value #PREFIX}. */
    public VideoAutoencoder(Parameters p, AutoencoderConfig config, int pixelChannels) {
        this.config = config;
        this.pixelChannels = pixelChannels;
        this.parameters = p;
        int w = config.width();
        int half = w / 2;
        int c = config.latentChannels();
        int n = config.temporal();
        int stages = Integer.numberOfTrailingZeros(config.spatial());
        encoderIn = new Conv(p, "encoder.conv_in", pixelChannels, half, 3, 1);
        for (int i = 0; i < stages; i++) {
            encoderDown.add(new Conv(p, "encoder.down." + i, i == 0 ? half : w, w, 4, 2));
        }
        encodeFirst = new Conv[]{new Conv(p, "encoder.first.0", w, w, 3, 1), new Conv(p, "encoder.first.1", w, c, 1, 1)};
        encodeGroup = new Conv[]{new Conv(p, "encoder.group.0", n * w, w, 3, 1), new Conv(p, "encoder.group.1", w, c, 1, 1)};
        decodeFirst = new Conv[]{new Conv(p, "decoder.first.0", c, w, 3, 1), new Conv(p, "decoder.first.1", w, w, 3, 1)};
        decodeGroup = new Conv[]{new Conv(p, "decoder.group.0", 2 * c, w, 3, 1), new Conv(p, "decoder.group.1", w, n * w, 3, 1)};
        for (int i = 0; i < stages; i++) {
            decoderUp.add(new Conv(p, "decoder.up." + i, w, i == stages - 1 ? half : w, 3, 1));
        }
        decoderOut = new Conv(p, "decoder.conv_out", stages == 0 ? w : half, pixelChannels, 3, 1);
    }

    /** The same networks under another configuration's normalisation statistics. */
    private VideoAutoencoder(VideoAutoencoder other, AutoencoderConfig config) {
        this.config = config;
        this.pixelChannels = other.pixelChannels;
        this.parameters = other.parameters;
        this.encoderIn = other.encoderIn;
        this.encoderDown.addAll(other.encoderDown);
        this.encodeFirst = other.encodeFirst;
        this.encodeGroup = other.encodeGroup;
        this.decodeFirst = other.decodeFirst;
        this.decodeGroup = other.decodeGroup;
        this.decoderUp.addAll(other.decoderUp);
        this.decoderOut = other.decoderOut;
    }

    /** This autoencoder with its latents normalised by per-channel statistics (measured once it is trained). */
    public VideoAutoencoder withStatistics(float[] mean, float[] std) {
        return new VideoAutoencoder(this, config.withStatistics(mean, std));
    }

    /** A freshly initialised autoencoder, seeded. */
    public static VideoAutoencoder initialise(AutoencoderConfig config, int pixelChannels, NDManager manager, long seed) {
        return new VideoAutoencoder(Parameters.initialised(manager, seed), config, pixelChannels);
    }

    public AutoencoderConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** The normalised latents of clips [B, T, C, H, W]: the encoder's mean, no noise. */
    public NDArray encode(NDArray clips) {
        NDArray mu = encodeRaw(clips);
        return mu.sub(channelVector(mu, config.mean())).div(channelVector(mu, config.std()));
    }

    /** Clips [B, T, C, H, W] from normalised latents [B, T', c, h, w]. */
    public NDArray decode(NDArray latents) {
        return decodeRaw(latents.mul(channelVector(latents, config.std())).add(channelVector(latents, config.mean())));
    }

    /**
     * The training objective for clean clips: mean squared reconstruction error of the clip decoded from its
     * latent plus fixed noise, plus the latent penalty. {@code mseOut[0]}, when given, gets the error alone.
     */
    public NDArray loss(NDArray clips, Random rng, double[] mseOut) {
        NDArray mu = encodeRaw(clips);
        float[] eps = new float[Math.toIntExact(mu.size())];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) rng.nextGaussian() * config.noise();
        }
        NDArray z = mu.add(Tensors.of(mu.getManager(), eps, mu.getShape()));
        NDArray mse = decodeRaw(z).sub(clips).square().mean();
        if (mseOut != null) {
            mseOut[0] = mse.getFloat();
        }
        return mse.add(Scalar.mul(mu.square().mean(), config.penalty()));
    }

    /** The encoder's mean latents, before normalisation. */
    public NDArray encodeRaw(NDArray clips) {
        Shape s = clips.getShape();
        if (s.dimension() != 5 || s.get(2) != pixelChannels || s.get(3) % config.spatial() != 0 || s.get(4) % config.spatial() != 0) {
            throw new IllegalArgumentException("the autoencoder reads clips [B, T, " + pixelChannels + ", H, W] with H and W"
                    + " divisible by " + config.spatial() + ", got " + s);
        }
        long b = s.get(0);
        int frames = (int) s.get(1);
        int groups = config.latentFrames(frames) - 1;
        NDArray f = encoderIn.apply(clips.reshape(b * frames, s.get(2), s.get(3), s.get(4)));
        for (Conv down : encoderDown) {
            f = down.apply(silu(f));
        }
        f = silu(f);
        Shape fs = f.getShape();
        int w = config.width();
        NDArray features = f.reshape(b, frames, w, fs.get(2), fs.get(3));
        NDArray first = encodeFirst[1].apply(silu(encodeFirst[0].apply(features.get(":, 0")))).expandDims(1);
        if (groups == 0) {
            return first;
        }
        NDArray rest = features.get(":, 1:").reshape(b * groups, (long) config.temporal() * w, fs.get(2), fs.get(3));
        NDArray z = encodeGroup[1].apply(silu(encodeGroup[0].apply(rest)));
        return NDArrays.concat(new NDList(first, z.reshape(b, groups, config.latentChannels(), fs.get(2), fs.get(3))), 1);
    }

    /** Clips from latents before normalisation. */
    public NDArray decodeRaw(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 5 || s.get(2) != config.latentChannels()) {
            throw new IllegalArgumentException("the autoencoder decodes latents [B, T', " + config.latentChannels() + ", h, w], got " + s);
        }
        long b = s.get(0);
        int latentFrames = (int) s.get(1);
        int groups = latentFrames - 1;
        int w = config.width();
        long h = s.get(3);
        long wd = s.get(4);
        NDArray first = decodeFirst[1].apply(silu(decodeFirst[0].apply(z.get(":, 0")))).expandDims(1);
        NDArray features = first;
        if (groups > 0) {
            // each group reads its own latent and the one before it
            NDArray pairs = NDArrays.concat(new NDList(z.get(":, 1:"), z.get(":, 0:" + groups)), 2)
                    .reshape(b * groups, 2L * config.latentChannels(), h, wd);
            NDArray g = decodeGroup[1].apply(silu(decodeGroup[0].apply(pairs)))
                    .reshape(b, (long) groups * config.temporal(), w, h, wd);
            features = NDArrays.concat(new NDList(first, g), 1);
        }
        int frames = config.frames(latentFrames);
        NDArray f = features.reshape(b * frames, w, h, wd);
        for (Conv up : decoderUp) {
            f = silu(up.apply(silu(f).repeat(2, 2).repeat(3, 2)));
        }
        f = decoderOut.apply(f);
        Shape fs = f.getShape();
        return f.reshape(b, frames, pixelChannels, fs.get(2), fs.get(3));
    }

    /** A per-channel vector shaped to broadcast over latents [B, T', c, h, w]. */
    private static NDArray channelVector(NDArray like, float[] v) {
        return Tensors.of(like.getManager(), v, new Shape(1, 1, v.length, 1, 1));
    }

    /** x sigmoid(x), written out: DJL's {@code Activation.swish} multiplies by its beta as a bare number (see {@link Scalar}). */
    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** A square 2-D convolution with torch's default initialisation; stride 2 halves the size (k = 4, padding 1). */
    private static final class Conv {
        private final NDArray weight;
        private final NDArray bias;
        private final Shape stride;
        private final Shape padding;

        Conv(Parameters p, String name, int in, int out, int k, int stride) {
            Init init = new Init.Uniform(in * k * k);
            this.weight = p.declare(PREFIX + name + ".weight", new long[]{out, in, k, k}, init);
            this.bias = p.declare(PREFIX + name + ".bias", new long[]{out}, init);
            this.stride = new Shape(stride, stride);
            int pad = stride == 2 ? (k - 2) / 2 : k / 2;
            this.padding = new Shape(pad, pad);
        }

        NDArray apply(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, stride, padding).singletonOrThrow();
        }
    }
}
