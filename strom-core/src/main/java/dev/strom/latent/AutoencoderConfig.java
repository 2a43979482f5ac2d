package dev.strom.latent;

import java.util.Arrays;

/**
 * The shape of a {@link VideoAutoencoder}: {@code spatial} x {@code spatial} pixels and {@code temporal} frames per
 * latent position (the first frame alone), {@code latentChannels} values there, convolutions {@code width} wide.
 * {@code noise} is the latent noise the decoder learns to read through, {@code penalty} what a latent's square
 * costs (together a VAE with a fixed posterior spread, so the encoder cannot buy precision by growing its
 * latents). {@code mean} and {@code std} normalise each latent channel to about zero mean and unit spread for the
 * flow; they are measured on training clips once the autoencoder is trained (zeros and ones before).
 */
public record AutoencoderConfig(int latentChannels, int width, int spatial, int temporal, float noise, float penalty,
                                float[] mean, float[] std) {

    public AutoencoderConfig {
        if (latentChannels < 1 || width < 2 || width % 2 != 0) {
            throw new IllegalArgumentException("autoencoder needs latent_channels >= 1 and an even width >= 2");
        }
        if (spatial < 1 || Integer.bitCount(spatial) != 1 || temporal < 1) {
            throw new IllegalArgumentException("autoencoder spatial compression must be a power of two, temporal >= 1");
        }
        if (mean == null) {
            mean = new float[latentChannels];
        }
        if (std == null) {
            std = new float[latentChannels];
            Arrays.fill(std, 1f);
        }
        if (mean.length != latentChannels || std.length != latentChannels) {
            throw new IllegalArgumentException("latent_mean and latent_std need one value per latent channel");
        }
    }

    /** The shape without normalisation statistics (a fresh autoencoder). */
    public static AutoencoderConfig of(int latentChannels, int width, int spatial, int temporal, float noise, float penalty) {
        return new AutoencoderConfig(latentChannels, width, spatial, temporal, noise, penalty, null, null);
    }

    /** The same autoencoder with its latents normalised by these per-channel statistics. */
    public AutoencoderConfig withStatistics(float[] m, float[] s) {
        return new AutoencoderConfig(latentChannels, width, spatial, temporal, noise, penalty, m.clone(), s.clone());
    }

    /** Latent frames of a clip of {@code frames} frames: the first alone, then one per {@code temporal}. */
    public int latentFrames(int frames) {
        if (frames < 1 || (frames - 1) % temporal != 0) {
            throw new IllegalArgumentException("a clip for this model must have 1 + " + temporal + "k frames (1, "
                    + (1 + temporal) + ", " + (1 + 2 * temporal) + ", ...), not " + frames);
        }
        return 1 + (frames - 1) / temporal;
    }

    /** Pixel frames decoded from {@code latentFrames} latent frames. */
    public int frames(int latentFrames) {
        return 1 + (latentFrames - 1) * temporal;
    }

    /** The latent frame that pixel frame {@code frame} is encoded in. */
    public int latentFrameOf(int frame) {
        return frame == 0 ? 0 : 1 + (frame - 1) / temporal;
    }
}
