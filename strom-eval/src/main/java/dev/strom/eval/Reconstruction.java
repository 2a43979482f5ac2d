package dev.strom.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.strom.data.Clip;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.latent.VideoAutoencoder;
import dev.strom.provenance.ImageQuality;
import dev.strom.video.VideoModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import dev.strom.tensor.Tensors;

/**
 * How much a latent model's autoencoder loses: held-out clips encoded and decoded again, as they are and with the
 * flow's noise on the latents (what the decoder meets in generated clips), as peak signal-to-noise ratio on the
 * 8-bit frames, and flicker in static regions of the clean reconstructions (real clips have almost none).
 */
public final class Reconstruction {

    private Reconstruction() {
    }

    /** The figures for a latent model; an empty map for a pixel model. */
    public static Map<String, Double> measure(VideoModel model, List<Clip> clips, NDManager manager) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (model.autoencoder().isEmpty() || clips.isEmpty()) {
            return out;
        }
        VideoAutoencoder ae = model.autoencoder().get();
        double clean = 0, noisy = 0, flicker = 0;
        Random rng = new Random(17);
        for (Clip c : clips) {
            Clip[] made = reconstruct(ae, c, model.flow().config().noiseStd(), rng, manager);
            clean += psnr(c, made[0]);
            noisy += psnr(c, made[1]);
            flicker += TemporalQuality.flicker(made[0]);
        }
        out.put("psnr_db", clean / clips.size());
        out.put("psnr_db_at_flow_noise", noisy / clips.size());
        out.put("flicker_reconstructed", flicker / clips.size());
        out.put("clips", (double) clips.size());
        return out;
    }

    /** A clip decoded from its latents: as encoded, and with noise of {@code sigma} (normalised units) on them. */
    public static Clip[] reconstruct(VideoAutoencoder ae, Clip c, float sigma, Random rng, NDManager manager) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = Tensors.of(manager, c.toModelLayout(), new Shape(1, c.frames(), 3, c.height(), c.width()));
            NDArray z = ae.encode(x);
            Clip clean = clip(ae.decode(z), c);
            Clip noisy = clip(ae.decode(NoiseAugmentation.apply(z, sigma, rng)), c);
            return new Clip[]{clean, noisy};
        }
    }

    private static Clip clip(NDArray x, Clip like) {
        return Clip.fromModelLayout(x.clip(-1, 1).toFloatArray(), like.frames(), like.height(), like.width(), like.fps());
    }

    /** Peak signal-to-noise ratio of b against a over all 8-bit values (99 dB where they are equal). */
    static double psnr(Clip a, Clip b) {
        return Math.min(99, ImageQuality.between(a, b).psnr());
    }
}
