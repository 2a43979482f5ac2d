package dev.strom.cli;

import dev.strom.flow.InverseMethod;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.SequentialInverse;
import picocli.CommandLine.Option;

/** How to sample: seed, guidance, prior temperature, inverse method, denoising. Shared by every command that makes video. */
final class SamplingOptions {

    enum Sampler { jacobi, sequential }

    @Option(names = "--seed", defaultValue = "42", description = "random seed; same seed, same video (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cfg", description = "guidance weight, 0 for none (default: the model's, else 3.0)")
    Float cfg;

    @Option(names = "--temperature", description = "noise scale of the prior (default: the model's, else 1.0)")
    Float temperature;

    @Option(names = "--sampler", defaultValue = "jacobi", description = "jacobi or sequential (default ${DEFAULT-VALUE})")
    Sampler sampler;

    @Option(names = "--no-denoise", description = "skip the final score-based denoising step")
    boolean noDenoise;

    InverseMethod method() {
        return sampler == Sampler.jacobi ? new JacobiInverse(16, 32, 1e-3) : new SequentialInverse();
    }
}
