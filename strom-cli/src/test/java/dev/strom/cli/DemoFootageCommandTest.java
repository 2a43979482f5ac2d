package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** strom demo-footage DIR writes a captioned folder that strom train --data DIR reads; bad input is one line, exit 2. */
class DemoFootageCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheFolderAndPrintsWhereItWent() throws IOException {
        Path folder = dir.resolve("footage");

        Cli r = Cli.run("demo-footage", folder.toString(), "--variants", "1", "--seconds", "1");

        assertEquals(0, r.exit(), r.err());
        assertEquals(folder.toString(), r.out().strip());
        assertTrue(r.err().contains("5 clips of 1 s and 4 stills"), r.err());
        assertTrue(Files.isRegularFile(folder.resolve("life-0.mp4")));
        assertTrue(Files.isRegularFile(folder.resolve("cellauto-0-still.png")));
        assertTrue(Files.readString(folder.resolve("captions.csv")).startsWith("file,caption\n"));
    }

    @Test
    void theHelpSaysHowToTrainOnIt() {
        Cli r = Cli.run("demo-footage", "--help");

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("strom train --data DIR --init MODEL"), r.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path folder = dir.resolve("footage");
        rejected(Cli.run("demo-footage", folder.toString(), "--variants", "5"), "variants");
        rejected(Cli.run("demo-footage", folder.toString(), "--seconds", "0"), "seconds");
        assertFalse(Files.exists(folder), "nothing written on bad options");

        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("mine.txt"), "my notes");
        rejected(Cli.run("demo-footage", used.toString()), "not empty");
        assertEquals("my notes", Files.readString(used.resolve("mine.txt")));
    }

    private static void rejected(Cli r, String mentions) {
        assertEquals(2, r.exit(), r.err());
        String lines = r.errorLines().strip();
        assertEquals(1, lines.lines().count(), r.err());
        assertTrue(lines.contains(mentions), lines);
    }
}
