package dev.strom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train-denoiser", mixinStandardHelpOptions = true,
        description = {"Gives a trained model a learned denoiser and trains it alone (the flow is not changed): it takes "
                + "the training noise off generated clips in place of the score step, so still backgrounds stay still.",
                "OUT/checkpoint is the model with its denoiser: use it with --model OUT."})
final class TrainDenoiserCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--steps", defaultValue = "1500", description = "optimisation steps (default 1500)")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "clips per step (default 8)")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "1e-3", description = "peak learning rate (default 1e-3)")
    float learningRate;

    @Option(names = "--window", defaultValue = "2", description = "frames before each one the denoiser sees; it also sees one after (default 2)")
    int window;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints (default 100)")
    int every;

    @Option(names = "--seed", defaultValue = "0", description = "seed for initialisation, data and noise (default 0)")
    long seed;

    @Option(names = "--resume", description = "continue from OUT/checkpoint")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainingData.Source source = data.source(JsonNodeFactory.instance.objectNode(), seed, batch);
        Path base = model.resolve();
        String command = "strom train-denoiser --model " + base + " --data " + data + " --steps " + steps + " --batch " + batch
                + " --learning-rate " + learningRate + " --window " + window + " --seed " + seed + " --out " + out;
        var settings = new DenoiserTrainer.Settings(steps, batch, learningRate, window, every, seed);
        Path checkpoint = new DenoiserTrainer(settings, out, command).run(base, resume, source);
        System.out.println(checkpoint);
        return 0;
    }
}
