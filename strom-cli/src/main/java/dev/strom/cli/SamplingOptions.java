package dev.strom.cli;

import dev.strom.video.Sampling;
import picocli.CommandLine.Option;

/** How to sample: seed, guidance, prior temperature, inverse method, denoising. Shared by every command that makes video. */
final class SamplingOptions {

    enum Sampler { jacobi, sequential }

    @Option(names = "--seed", description = "seed; the same seed, model and settings give the same video (default: a random one, printed)")
    Long seed;

    @Option(names = "--cfg", description = "guidance weight, 0 for none (default: the model's, else 3.0)")
    Float cfg;

    @Option(names = "--temperature", description = "noise scale of the prior (default: the model's, else 1.0)")
    Float temperature;

    @Option(names = "--sampler", defaultValue = "jacobi", description = "jacobi or sequential (default ${DEFAULT-VALUE})")
    Sampler sampler;

    @Option(names = "--no-denoise", description = "skip the final denoising step")
    boolean noDenoise;

    /** The model's defaults with what was given on the command line in their place. */
    Sampling of(Sampling defaults) {
        Sampling s = defaults.withGuidance(cfg).withTemperature(temperature).withDenoise(defaults.denoise() && !noDenoise);
        return sampler == Sampler.sequential ? s.withInversion(Sampling.Inversion.SEQUENTIAL) : s;
    }
}
