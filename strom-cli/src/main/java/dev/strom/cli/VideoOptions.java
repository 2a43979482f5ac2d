package dev.strom.cli;

import picocli.CommandLine.Mixin;

/** What every command that makes a video shares: the model, how to sample, where and how to write. */
final class VideoOptions {

    @Mixin
    SamplingOptions sampling;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOption model;
}
