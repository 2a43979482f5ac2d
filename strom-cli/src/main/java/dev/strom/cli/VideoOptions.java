package dev.strom.cli;

import picocli.CommandLine.Mixin;

import java.nio.file.Path;

/** What every command that makes a video shares: the model, how to sample, where and how to write. */
final class VideoOptions {

    @Mixin
    SamplingOptions sampling;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOption model;

    /** Checks the prompt and the output options before anything loads, and returns the output file. */
    Path validate(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        return output.validate(sampling.seed);
    }
}
