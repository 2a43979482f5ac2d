package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.latent.AutoencoderConfig;
import dev.strom.latent.VideoAutoencoder;
import dev.strom.store.ModelStore;
import dev.strom.store.Safetensors;
import dev.strom.store.SafetensorsFile;
import dev.strom.tensor.TensorData;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The first phase of training a latent model: the video autoencoder, on the same clips the flow will learn from
 * (reconstruction through fixed latent noise, {@link VideoAutoencoder#loss}), then the per-channel statistics that
 * normalise its latents. Its checkpoint lives in OUT/autoencoder and resumes exactly; once finished it is read
 * back, not trained again.
 */
final class AutoencoderTrainer {

    static final String DIR = "autoencoder";
    private static final String STATE = "trainer.json";
    private static final String OPTIMIZER = "optimizer.safetensors";
    /** Clips whose latents give the normalisation statistics. */
    private static final int STATISTICS_CLIPS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A trained autoencoder: the model's "autoencoder" section (with the statistics) and its tensors. */
    record Trained(ObjectNode section, Map<String, TensorData> weights) {
    }

    private final JsonNode section;
    private final VideoSpec spec;
    private final Path dir;
    private final long seed;

    /** @param section the config's "autoencoder" section (shape, and steps, batch, learning_rate, checkpoint_every) */
    AutoencoderTrainer(JsonNode section, VideoSpec spec, Path out, long seed) {
        this.section = section;
        this.spec = spec;
        this.dir = out.resolve(DIR);
        this.seed = seed;
    }

    /** Trains, resumes or reads back the autoencoder; {@code stop} ends training early (a checkpoint is kept). */
    Trained run(TrainingData data, BooleanSupplier stop) throws IOException {
        AutoencoderConfig shape = ModelStore.autoencoderConfig(JSON.createObjectNode().set("autoencoder", section)).orElseThrow();
        int steps = section.path("steps").asInt(1000);
        int batch = section.path("batch").asInt(8);
        int every = section.path("checkpoint_every").asInt(100);
        float lr = (float) section.path("learning_rate").asDouble(2e-3);
        Path checkpoint = dir.resolve(ModelStore.CHECKPOINT);
        JsonNode state = Files.isRegularFile(checkpoint.resolve(STATE)) ? JSON.readTree(checkpoint.resolve(STATE).toFile()) : null;
        if (state != null && state.path("finished").asBoolean()) {
            return new Trained((ObjectNode) state.get("autoencoder"), SafetensorsFile.read(checkpoint.resolve(ModelStore.WEIGHTS)));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            VideoAutoencoder ae = state == null ? VideoAutoencoder.initialise(shape, spec.channels(), manager, seed + 2)
                    : new VideoAutoencoder(dev.strom.tensor.Parameters.loaded(manager,
                    SafetensorsFile.read(checkpoint.resolve(ModelStore.WEIGHTS)), java.util.Set.of()), shape, spec.channels());
            Map<String, NDArray> params = ae.parameters().all();
            TrainStep step = new TrainStep(params, TrainSettings.starflow(lr, Math.min(100, steps / 10), steps));
            ResumedAt resumed = ResumedAt.restore(state, step, checkpoint.resolve(OPTIMIZER), params);
            int s = resumed.step();
            double elapsed = resumed.elapsedSeconds();
            ProgressBar bar = new ProgressBar("autoencoder");
            long t0 = System.nanoTime();
            double before = elapsed;
            while (s < steps && !stop.getAsBoolean()) {
                List<float[]> clips = clips(data, s, batch);
                Random rng = new Random(seed * 1_000_003L + s + 0x5EED);
                double[] mse = new double[1];
                TrainStep.Result r = step.run(() -> ae.loss(stack(manager, clips), rng, mse));
                s++;
                elapsed = before + (System.nanoTime() - t0) / 1e9;
                bar.update((double) s / steps, String.format(Locale.ROOT, "step %d/%d loss %.5f psnr %.2f dB%s", s, steps,
                        r.loss(), psnr(mse[0]), r.skipped() ? " (skipped: " + r.reason() + ")" : ""));
                if (s % every == 0 && s < steps) {
                    save(ae, step, s, elapsed, null);
                }
            }
            if (s < steps) {
                save(ae, step, s, elapsed, null);
                throw new Interrupted(s);
            }
            ObjectNode trained = withStatistics(statistics(ae, data, manager));
            save(ae, step, s, elapsed, trained);
            bar.finish(String.format(Locale.ROOT, "autoencoder done: %d steps in %s", s, ProgressBar.duration(elapsed)));
            return new Trained(trained, ae.parameters().snapshot());
        }
    }

    /** Training stopped before the autoencoder was finished; its checkpoint is saved. */
    static final class Interrupted extends RuntimeException {
        Interrupted(int step) {
            super("interrupted: autoencoder checkpoint at step " + step + " saved (continue with --resume)");
        }
    }

    private List<float[]> clips(TrainingData data, int s, int batch) {
        return data.wholeClips(s, spec.frames(), batch);
    }

    private NDArray stack(NDManager manager, List<float[]> clips) {
        return spec.stack(manager, clips, spec.frames());
    }

    /** Per-channel mean and spread of the encoder's latents over clips from past the training steps. */
    private float[][] statistics(VideoAutoencoder ae, TrainingData data, NDManager manager) {
        int c = ae.config().latentChannels();
        double[] sum = new double[c];
        double[] sq = new double[c];
        long perChannel = 0;
        int seen = 0;
        for (int s = 1_000_000; seen < STATISTICS_CLIPS; s++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                List<float[]> clips = clips(data, s, STATISTICS_CLIPS - seen);
                seen += clips.size();
                NDArray z = ae.encodeRaw(stack(manager, clips)).transpose(2, 0, 1, 3, 4).reshape(c, -1);
                float[] v = z.toFloatArray();
                int n = v.length / c;
                perChannel += n;
                for (int k = 0; k < c; k++) {
                    for (int i = 0; i < n; i++) {
                        double x = v[k * n + i];
                        sum[k] += x;
                        sq[k] += x * x;
                    }
                }
            }
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int k = 0; k < c; k++) {
            double m = sum[k] / perChannel;
            mean[k] = (float) m;
            std[k] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[k] / perChannel - m * m)));
        }
        return new float[][]{mean, std};
    }

    /** The config's section with the latents' per-channel mean and spread added. */
    private ObjectNode withStatistics(float[][] stats) {
        ObjectNode out = section.deepCopy();
        ArrayNode mean = out.putArray("latent_mean");
        ArrayNode std = out.putArray("latent_std");
        for (int i = 0; i < stats[0].length; i++) {
            mean.add(stats[0][i]);
            std.add(stats[1][i]);
        }
        return out;
    }

    /** {@code trained}: the finished section with statistics, null while training goes on. */
    private void save(VideoAutoencoder ae, TrainStep step, int s, double elapsed, ObjectNode trained) throws IOException {
        Path target = dir.resolve(ModelStore.CHECKPOINT);
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory(dir, ".checkpoint.");
        ObjectNode state = JSON.createObjectNode();
        state.put("step", s);
        state.put("seed", seed);
        state.put("elapsed_seconds", elapsed);
        state.put("finished", trained != null);
        if (trained != null) {
            state.set("autoencoder", trained);
        }
        SafetensorsFile.write(tmp.resolve(ModelStore.WEIGHTS), ae.parameters().snapshot(), Map.of("format", "pt", "producer", "strom"));
        var optimizer = step.optimizer().state();
        try (var out = Files.newOutputStream(tmp.resolve(OPTIMIZER))) {
            Safetensors.encode(optimizer, Map.of(), out);
        }
        Files.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        ModelStore.replaceDirectory(tmp, target);
    }

    /** Peak signal-to-noise ratio of a mean squared error on [-1, 1] values. */
    static double psnr(double mse) {
        return 10 * Math.log10(4 / Math.max(mse, 1e-12));
    }
}
