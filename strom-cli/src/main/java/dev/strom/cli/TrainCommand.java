package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
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

    @Option(names = "--data", defaultValue = "world", description = "'world' for the built-in captioned world (default)")
    String data;

    @Option(names = "--config", defaultValue = "bundled",
            description = "preset (tiny, bundled) or a JSON file with model_kwargs, noise_std, strom and train sections")
    String config;

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

    @Option(names = "--seed", defaultValue = "0", description = "seed for initialisation and data (default 0)")
    long seed;

    @Option(names = "--resume", description = "continue from OUT/checkpoint")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if (!data.equals("world")) {
            throw new IllegalArgumentException("--data '" + data + "': only the built-in 'world' is supported so far");
        }
        ObjectNode cfg = loadConfig(config);
        JsonNode t = cfg.path("train");
        int total = steps != null ? steps : t.path("steps").asInt(1000);
        int b = batch != null ? batch : t.path("batch").asInt(8);
        int ev = every != null ? every : t.path("checkpoint_every").asInt(100);
        int stop = stopAt != null ? stopAt : total;
        if (total <= 0 || b <= 0 || ev <= 0 || stop <= 0 || stop > total) {
            throw new IllegalArgumentException("--steps, --batch and --checkpoint-every must be positive, --stop-at in 1..steps");
        }
        String command = "strom train --data " + data + " --config " + config + " --steps " + total + " --batch " + b
                + " --seed " + seed + " --out " + out + (stop < total ? " --stop-at " + stop : "");
        Path checkpoint = new Trainer(cfg, new Trainer.Options(out, seed, total, stop, b, ev, resume, command)).run();
        System.out.println(checkpoint);
        return 0;
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
            throw new IllegalArgumentException("--config '" + nameOrFile + "' is neither a preset (tiny, bundled) nor a file");
        }
        JsonNode n = json.readTree(p.toFile());
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("--config file must hold a JSON object");
        }
        return o;
    }
}
