package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains a text-to-video flow (flow and text encoder together) and writes checkpoints.",
                "Checkpoints go to OUT/checkpoint (a model directory usable with --model); the loss curve to "
                        + "OUT/loss.csv and OUT/loss.png. Ctrl-C saves a checkpoint before exiting."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataOptions data;

    @Option(names = "--config", description = {"preset (tiny, tiny-latent, bundled, finetune) or a JSON file with model_kwargs, noise_std, "
            + "autoencoder (a latent model), "
            + "strom and train sections (default: bundled; with --init: finetune, whose train section and clip length "
            + "(strom.video.frames) are used)"})
    String config;

    @Option(names = "--init", paramLabel = "MODEL_DIR",
            description = "fine-tune this model (its architecture and clip format; new optimizer state)")
    Path init;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--steps", description = "total optimisation steps (default: the config's)")
    Integer steps;

    @Option(names = "--stop-at", description = "stop after this many steps (the schedule still spans --steps)")
    Integer stopAt;

    @Option(names = "--batch", description = "clips per step (default: the config's)")
    Integer batch;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: the config's)")
    Integer every;

    @Option(names = "--seed", description = "seed for initialisation and data (default 0; with --resume, the run's own)")
    Long seed;

    @Option(names = "--resume", description = "continue from OUT/checkpoint (without --config or --init: with the config and "
            + "seed it was saved with)")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if (init != null) {
            init = ModelStore.resolve(init);
        }
        Path checkpointDir = out.resolve(ModelStore.CHECKPOINT);
        boolean own = resume && config == null && init == null && Files.isDirectory(checkpointDir);
        // a resumed run reads the same data only with the seed it started with
        long seed = this.seed != null ? this.seed
                : own ? new ObjectMapper().readTree(checkpointDir.resolve(Trainer.STATE).toFile()).path("seed").asLong(0) : 0;
        ObjectNode cfg = own ? (ObjectNode) ModelStore.readConfig(checkpointDir).deepCopy() : configuration();
        JsonNode t = cfg.path("train");
        int total = steps != null ? steps : t.path("steps").asInt(1000);
        int b = batch != null ? batch : t.path("batch").asInt(8);
        int ev = every != null ? every : t.path("checkpoint_every").asInt(100);
        int stop = stopAt != null ? stopAt : total;
        if (total <= 0 || b <= 0 || ev <= 0 || stop <= 0 || stop > total) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be positive, --stop-at in 1..steps");
        }
        // the schedule is saved with the run, so a plain --resume goes on under the schedule it started with
        ObjectNode trainSection = cfg.path("train") instanceof ObjectNode o ? o : cfg.putObject("train");
        trainSection.put("steps", total).put("batch", b);
        String command = "strom train --data " + data + (init != null ? " --init " + init : "")
                + (config != null || init == null ? " --config " + (config != null ? config : "bundled") : "")
                + " --steps " + total + " --batch " + b + " --seed " + seed + " --out " + out + (stop < total ? " --stop-at " + stop : "");
        TrainingData.Source source = data.source(t, seed, b);
        Path checkpoint = new Trainer(cfg, new Trainer.Options(out, seed, total, stop, b, ev, resume, init, command), source).run();
        System.out.println(checkpoint);
        return 0;
    }

    /**
     * The model's config: a preset or file, or with --init the model's own with the chosen train section (and
     * the chosen model_kwargs over the model's: options whose new weights start at zero, as pos_embed, can be
     * switched on for a fine-tune; anything that changes existing weights' shapes fails to load).
     */
    private ObjectNode configuration() throws IOException {
        if (init == null) {
            ObjectNode cfg = loadConfig(config != null ? config : "bundled");
            if (!cfg.has("model_kwargs")) {
                throw new IllegalArgumentException("--config " + config + " holds training settings only: use it with --init MODEL_DIR");
            }
            return cfg;
        }
        ObjectNode cfg = ((ObjectNode) ModelStore.readConfig(init)).deepCopy();
        ObjectNode chosen = loadConfig(config != null ? config : "finetune");
        cfg.set("train", chosen.path("train").deepCopy());
        if (chosen.path("model_kwargs") instanceof ObjectNode kwargs && cfg.path("model_kwargs") instanceof ObjectNode own) {
            own.setAll(kwargs.deepCopy());
        }
        int frames = chosen.path("strom").path("video").path("frames").asInt(0);
        if (frames > 0) {
            longerClips(cfg, frames);
        }
        return cfg;
    }

    /**
     * A fine-tune at another clip length: no weight depends on the number of frames (rotary positions, causal
     * frames) unless the model learned an embedding per frame index, which covers only the frames it was made for.
     */
    private static void longerClips(ObjectNode cfg, int frames) {
        int embedded = cfg.path("model_kwargs").path("pos_embed_frames").asInt(0);
        if (embedded > 0 && frames > embedded) {
            throw new IllegalArgumentException("the model's frame embedding covers " + embedded + " frames; it cannot be fine-tuned on "
                    + frames + "-frame clips");
        }
        ObjectNode strom = cfg.path("strom") instanceof ObjectNode o ? o : cfg.putObject("strom");
        ObjectNode video = strom.path("video") instanceof ObjectNode o ? o : strom.putObject("video");
        video.put("frames", frames);
    }

    static ObjectNode loadConfig(String nameOrFile) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = TrainCommand.class.getResourceAsStream("/presets/" + nameOrFile + ".json")) {
            if (in != null) {
                return (ObjectNode) json.readTree(in);
            }
        }
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--config '" + nameOrFile + "' is neither a preset (tiny, tiny-latent, bundled, finetune) nor a file");
        }
        JsonNode n = json.readTree(p.toFile());
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("--config file must hold a JSON object");
        }
        return o;
    }
}
