package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input gets one clear line on stderr, exit code 2, and no output file. */
class BadInputTest {

    @TempDir
    Path dir;

    private static void rejected(Cli r, String mentions) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        String lines = r.errorLines().strip();
        assertEquals(1, lines.lines().count(), "exactly one error line: " + r.err());
        assertTrue(lines.toLowerCase().contains(mentions.toLowerCase()), "error should mention '" + mentions + "': " + lines);
    }

    @Test
    void unknownSubcommandOrOption() {
        rejected(Cli.run("frobnicate"), "frobnicate");
        rejected(Cli.run("generate", "a red apple", "--colour", "blue"), "--colour");
    }

    @Test
    void emptyPrompt() {
        Path out = dir.resolve("x.mp4");
        rejected(Cli.run("generate", "  ", "-o", out.toString()), "prompt");
        assertFalse(Files.exists(out));
    }

    @Test
    void nonPositiveFrames() {
        Path out = dir.resolve("x.mp4");
        rejected(Cli.run("generate", "a red apple", "--frames", "0", "-o", out.toString()), "frames");
        rejected(Cli.run("generate", "a red apple", "--frames", "-3", "-o", out.toString()), "frames");
        assertFalse(Files.exists(out));
    }

    @Test
    void framesPastTheMaximumAreRefusedInOneLineBeforeTheModelLoads() {
        Path out = dir.resolve("x.mp4");
        // an absent model: the frame count is checked first, so the line names --frames, not the model
        String absent = dir.resolve("no-model").toString();
        for (String frames : new String[]{"257", "100000", "2147483647"}) {
            Cli r = Cli.run("generate", "a red apple", "--frames", frames, "--model", absent, "-o", out.toString());
            rejected(r, "--frames must be between 1 and 256, got " + frames);
            assertFalse(r.err().contains("-3072"), "no size wrapped around: " + r.err());
        }
        assertFalse(Files.exists(out));
        assertTrue(Cli.run("generate", "--help").out().contains("at most 256"), "the help names the maximum");
    }

    @Test
    void unwritableOutputPath() {
        rejected(Cli.run("generate", "a red apple", "-o", dir.resolve("missing/dir/x.mp4").toString()), "cannot write");
    }

    @Test
    void unsupportedExtension() {
        Path out = dir.resolve("x.avi");
        rejected(Cli.run("generate", "a red apple", "-o", out.toString()), ".avi");
        assertFalse(Files.exists(out));
    }

    @Test
    void missingModel() {
        Path out = dir.resolve("x.mp4");
        rejected(Cli.run("generate", "a red apple", "--model", dir.resolve("nope").toString(), "-o", out.toString()), "model");
        assertFalse(Files.exists(out));
    }

    @Test
    void corruptModel() throws IOException {
        Path model = Files.createDirectories(dir.resolve("bad"));
        Files.copy(ModelOption.bundled().resolve("config.json"), model.resolve("config.json"));
        Files.write(model.resolve("weights.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        Path out = dir.resolve("x.mp4");
        rejected(Cli.run("generate", "a red apple", "--model", model.toString(), "-o", out.toString()), "weights.safetensors");
        assertFalse(Files.exists(out));
        Files.writeString(model.resolve("config.json"), "{ not json");
        rejected(Cli.run("info", model.toString()), "json");
    }

    @Test
    void aClipThatIsNotAVideo() throws IOException {
        Path fake = dir.resolve("clip.mp4");
        Files.writeString(fake, "hello, I am text");
        rejected(Cli.run("score", fake.toString()), "clip.mp4");
        rejected(Cli.run("score", dir.resolve("absent.mp4").toString()), "absent.mp4");
    }
}
