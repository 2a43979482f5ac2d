package dev.strom.cli;

import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** What every command that makes a video shares: the model, how to sample, where and how to write. */
final class VideoOptions {

    private static final int MAX_COUNT = 1000;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOption model;

    @Option(names = "--count", defaultValue = "1", description = "make N variants, seeds one apart from the first (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--force", description = "replace output files that exist (default: refuse)")
    boolean force;

    @Option(names = "--strict", description = "refuse a prompt with words the model never saw (default: make the video and warn)")
    boolean strict;

    /** One video to make: its seed and its file. */
    record Variant(long seed, Path file) {
    }

    /**
     * Checks the prompt and the output options before anything loads and returns the videos to make: --count of
     * them, seeds one apart from --seed or a random first one, each with its own file (with several, the seed goes
     * into each name). A file that exists is refused unless --force, so no run overwrites another's by accident.
     */
    List<Variant> validate(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("--count must be between 1 and " + MAX_COUNT + ", got " + count);
        }
        long first = sampling.seed != null ? sampling.seed : VideoRequest.randomSeed();
        List<Variant> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long seed = first + i;
            Path file = output.validate(seed, count > 1);
            if (!force && Files.exists(file)) {
                throw new IllegalArgumentException(file + " exists (--force replaces it)");
            }
            out.add(new Variant(seed, file));
        }
        return out;
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
