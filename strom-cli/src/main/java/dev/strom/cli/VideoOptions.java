package dev.strom.cli;

import dev.strom.pipeline.VideoPipeline;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** What every command that makes a video shares: the model, how to sample, where and how to write. */
final class VideoOptions {

    @Mixin
    SamplingOptions sampling;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOption model;

    @Option(names = "--strict", description = "refuse a prompt with words the model never saw (default: make the video and warn)")
    boolean strict;

    /** Checks the prompt and the output options before anything loads, and returns the output file. */
    Path validate(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        return output.validate(sampling.seed);
    }

    /**
     * Says which of the prompt's words the model never saw (it draws nothing for them), or with --strict refuses
     * the prompt. {@code what} names the prompt in the message ("prompt", "instruction").
     */
    void checkWords(VideoPipeline pipeline, String prompt, String what) {
        List<String> unknown = pipeline.unknownWords(prompt);
        if (unknown.isEmpty()) {
            return;
        }
        String line = "the model never saw " + (unknown.size() == 1 ? "the word " : "the words ") + String.join(", ", unknown)
                + " (see strom info for what it can draw)";
        if (strict) {
            throw new IllegalArgumentException(what + ": " + line);
        }
        System.err.println("warning: " + line + "; making the video anyway");
    }
}
