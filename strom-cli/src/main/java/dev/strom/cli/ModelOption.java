package dev.strom.cli;

import dev.strom.pipeline.VideoPipeline;
import dev.strom.store.ModelStore;
import picocli.CommandLine.Option;

import java.io.IOException;
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

    /** The model directory asked for (a training run's checkpoint when given the run's directory). */
    Path resolve() {
        return ModelStore.resolve(model != null ? model : bundled());
    }

    /** Loads the model, with its sampling defaults. */
    VideoPipeline open() throws IOException {
        return VideoPipeline.open(resolve());
    }
}
