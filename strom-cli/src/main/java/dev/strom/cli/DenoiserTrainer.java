package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.AtomicFiles;
import dev.strom.flow.LearnedDenoiser;
import dev.strom.flow.StarFlow;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import dev.strom.store.Safetensors;
import dev.strom.tensor.TensorData;
import dev.strom.video.VideoModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Gives a trained model a learned denoiser (STARFlow-V's learnable self-denoiser: non-causal layers that see a few
 * frames around each one) and trains it alone, the flow untouched: clean clips from the data, the flow's own
 * noise added, and the denoiser taught to take it off ({@link LearnedDenoiser#denoisingLoss}). Sampling then uses
 * it in place of the score step. OUT/checkpoint is the whole model with its denoiser, loadable at every
 * checkpoint, and resumes exactly.
 */
final class DenoiserTrainer {

    private static final String STATE = "trainer.json";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param window frames before each one that the denoiser sees (it also sees one after)
     */
    record Settings(int steps, int batch, float learningRate, int window, int checkpointEvery, long seed) {
        Settings {
            if (steps <= 0 || batch <= 0 || checkpointEvery <= 0 || window < 0 || !(learningRate > 0)) {
                throw new IllegalArgumentException("--steps, --batch, --checkpoint-every and --learning-rate must be positive, --window not negative");
            }
        }
    }

    private final Settings settings;
    private final Path out;
    private final String command;

    DenoiserTrainer(Settings settings, Path out, String command) {
        this.settings = settings;
        this.out = out;
        this.command = command;
    }

    /**
     * Trains the denoiser of {@code base} (or, with {@code resume}, continues OUT/checkpoint, saved every
     * checkpointEvery steps); returns the checkpoint directory.
     */
    Path run(Path base, boolean resume, TrainingData.Source source) throws IOException {
        Path checkpoint = out.resolve(ModelStore.CHECKPOINT);
        if (resume && !Files.isDirectory(checkpoint)) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + out);
        }
        if (!resume && Files.exists(checkpoint)) {
            throw new IllegalArgumentException(out + " already holds a checkpoint: use --resume or another --out");
        }
        Path from = resume ? checkpoint : base;
        ObjectNode config = ModelStore.readConfig(from).deepCopy();
        Map<String, TensorData> weights = new LinkedHashMap<>(ModelStore.weights(from));
        if (!resume) {
            withFreshDenoiser(config, weights);
        }
        JsonNode state = resume ? JSON.readTree(checkpoint.resolve(STATE).toFile()) : null;
        Map<String, AtomicFiles.Content> vocabulary = ModelVocabulary.carriedFrom(from);
        try (NDManager manager = NDManager.newBaseManager(); VideoModel model = ModelStore.load(config, weights, manager)) {
            LearnedDenoiser denoiser = model.flow().denoiser();
            Map<String, NDArray> params = new LinkedHashMap<>(model.flow().parameters().all());
            params.keySet().removeIf(name -> !name.startsWith(LearnedDenoiser.PREFIX));
            TrainStep step = new TrainStep(params, TrainSettings.starflow(settings.learningRate(),
                    Math.min(100, settings.steps() / 10), settings.steps()));
            ResumedAt resumed = ResumedAt.restore(state, step, checkpoint.resolve(OPTIMIZER), params);
            int s = resumed.step();
            double elapsed = resumed.elapsedSeconds();
            TrainingData data = source.open(model.spec());
            int frames = model.spec().frames();
            float sigma = model.flow().config().noiseStd();
            ProgressBar bar = new ProgressBar("denoiser");
            long t0 = System.nanoTime();
            double before = elapsed;
            double residual = Double.NaN;
            while (s < settings.steps()) {
                List<float[]> clips = data.wholeClips(s, frames, settings.batch());
                Random rng = new Random(settings.seed() * 1_000_003L + s + 0xDE1);
                TrainStep.Result r = step.run(() -> {
                    NDArray clean = model.toFlow(model.stack(clips, frames));
                    return denoiser.denoisingLoss(NoiseAugmentation.apply(clean, sigma, rng), clean, null);
                });
                s++;
                elapsed = before + (System.nanoTime() - t0) / 1e9;
                // what is left of the noise after denoising, as a share of it: sqrt(STEP^2 * loss) / sigma
                residual = Math.sqrt(LearnedDenoiser.STEP * LearnedDenoiser.STEP * r.loss()) / sigma;
                bar.update((double) s / settings.steps(), String.format(Locale.ROOT, "step %d/%d noise left %.1f %%%s", s,
                        settings.steps(), 100 * residual, r.skipped() ? " (skipped: " + r.reason() + ")" : ""));
                if (s % settings.checkpointEvery() == 0 || s == settings.steps()) {
                    save(checkpoint, vocabulary, model, config, step, s, elapsed, residual);
                }
            }
            bar.finish(String.format(Locale.ROOT, "denoiser done: %d steps in %s, noise left %.1f %%", s,
                    ProgressBar.duration(elapsed), 100 * residual));
        }
        return checkpoint;
    }

    /** The config with the denoiser switched on, and its freshly initialised tensors among the weights. */
    private void withFreshDenoiser(ObjectNode config, Map<String, TensorData> weights) {
        ObjectNode kwargs = (ObjectNode) config.path("model_kwargs");
        kwargs.put("learnable_self_denoiser", 1);
        kwargs.put("conditional_denoiser", 0); // it takes off noise, whatever the caption
        kwargs.put("denoiser_window", settings.window());
        weights.keySet().removeIf(name -> name.startsWith(LearnedDenoiser.PREFIX));
        try (NDManager fresh = NDManager.newBaseManager();
             StarFlow flow = StarFlow.initialise(ModelStore.flowConfig(config), fresh, settings.seed())) {
            flow.parameters().snapshot().forEach((name, t) -> {
                if (name.startsWith(LearnedDenoiser.PREFIX)) {
                    weights.put(name, t);
                }
            });
        }
    }

    /** {@code vocabulary}: the model's vocabulary.json, carried along unchanged (none: it had none). */
    private void save(Path checkpoint, Map<String, AtomicFiles.Content> vocabulary, VideoModel model, ObjectNode config, TrainStep step, int s,
                      double elapsed, double residual) throws IOException {
        ObjectNode strom = config.path("strom") instanceof ObjectNode o ? o : config.putObject("strom");
        ObjectNode card = strom.path("card") instanceof ObjectNode o ? o : strom.putObject("card");
        ObjectNode d = card.putObject("denoiser");
        d.put("steps", s);
        d.put("batch", settings.batch());
        d.put("learning_rate", settings.learningRate());
        d.put("window", config.path("model_kwargs").path("denoiser_window").asInt());
        d.put("train_seconds", Math.round(elapsed));
        d.put("noise_left", residual);
        d.put("command", command);
        ObjectNode state = JSON.createObjectNode();
        state.put("step", s);
        state.put("seed", settings.seed());
        state.put("elapsed_seconds", elapsed);
        var optimizer = step.optimizer().state();
        Map<String, AtomicFiles.Content> extras = new LinkedHashMap<>();
        extras.put(OPTIMIZER, o -> Safetensors.encode(optimizer, Map.of(), o));
        extras.put(STATE, o -> o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state)));
        extras.putAll(vocabulary);
        ModelStore.save(checkpoint, model, config, extras);
    }
}
