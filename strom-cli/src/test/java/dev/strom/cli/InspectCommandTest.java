package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A file Strom made says what made it, and that is enough to make it again. */
class InspectCommandTest {

    @TempDir
    Path dir;

    @Test
    void aGeneratedFileShowsItsSeedAndTheCommandThatRemakesItIdentically() throws Exception {
        Path first = dir.resolve("first.mp4");
        Cli made = Cli.run("generate", "a pink heart moving up on a green background", "--frames", "3", "--no-provenance",
                "-o", first.toString());
        assertEquals(0, made.exit(), made.err());
        Matcher printed = Pattern.compile("seed (\\d+)").matcher(made.err());
        assertTrue(printed.find(), made.err());

        Cli inspected = Cli.run("inspect", first.toString());
        assertEquals(0, inspected.exit(), inspected.err());
        assertTrue(inspected.out().contains("seed:         " + printed.group(1) + "\n"), inspected.out());
        assertTrue(inspected.out().contains("prompt:       a pink heart moving up on a green background\n"), inspected.out());
        assertTrue(inspected.out().contains("signed:       no: the file carries no C2PA manifest"), inspected.out());

        String command = inspected.out().lines().filter(l -> l.startsWith("make again:")).findFirst().orElseThrow()
                .substring("make again:".length()).strip();
        Path second = dir.resolve("second.mp4");
        List<String> args = new ArrayList<>(split(command.substring("strom ".length())));
        args.addAll(List.of("--no-provenance", "-o", second.toString()));
        Cli again = Cli.run(args.toArray(new String[0]));
        assertEquals(0, again.exit(), again.err());
        assertTrue(Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(second)), "the same clip, byte for byte: " + command);
    }

    @Test
    void aSignedFileCarriesTheSettingsInItsManifestAndOtherFilesHaveNone() throws Exception {
        Path signed = dir.resolve("signed.mp4");
        assertEquals(0, Cli.run("generate", "a yellow star spinning on a black background", "--frames", "2", "--seed", "11",
                "--signing-key", dir.resolve("k.pem").toString(), "--signing-certs", dir.resolve("c.pem").toString(),
                "-o", signed.toString()).exit());
        Cli inspected = Cli.run("inspect", signed.toString());
        assertEquals(0, inspected.exit(), inspected.err());
        assertTrue(inspected.out().contains("signed:       yes, by the file's valid C2PA manifest\n"), inspected.out());
        assertTrue(inspected.out().contains("seed:         11\n"), inspected.out());

        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "not a video");
        assertEquals(InspectCommand.NO_SETTINGS, Cli.run("inspect", plain.toString()).exit());
        assertEquals(2, Cli.run("inspect", dir.resolve("missing.mp4").toString()).exit());
    }

    /** Splits a printed command line into arguments, honouring double quotes. */
    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1).replace("\\\"", "\"") : m.group(2));
        }
        return out;
    }
}
