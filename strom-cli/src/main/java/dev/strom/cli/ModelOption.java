package dev.strom.cli;

import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** --model, defaulting to the bundled model; accepts a model directory or a training output directory. */
final class ModelOption {

    @Option(names = "--model", paramLabel = "DIR", description = "model directory (default: the bundled model)")
    Path model;

    static Path bundled() {
        String home = System.getProperty("strom.home");
        Path root = home != null ? Path.of(home) : Path.of(".");
        return root.resolve("models").resolve("world-32");
    }

    /** Guidance and prior temperature: the user's if given, else the model's stored defaults, else 3 and 1. */
    record Sampling(float guidance, float temperature) {
    }

    Sampling sampling(Float cfg, Float temperature) throws java.io.IOException {
        var stored = dev.strom.store.ModelStore.readConfig(resolve()).path("strom").path("sampling");
        return new Sampling(cfg != null ? cfg : (float) stored.path("cfg").asDouble(3.0),
                temperature != null ? temperature : (float) stored.path("temperature").asDouble(1.0));
    }

    Path resolve() {
        return modelDirectory(model != null ? model : bundled());
    }

    /** A model directory, or the checkpoint inside a training output directory. */
    static Path modelDirectory(Path p) {
        if (!Files.exists(p.resolve("config.json")) && Files.exists(p.resolve(Trainer.CHECKPOINT).resolve("config.json"))) {
            return p.resolve(Trainer.CHECKPOINT);
        }
        return p;
    }
}
