package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping a training run (SIGTERM, as Ctrl-C's SIGINT) leaves a checkpoint that loads and resumes. */
class InterruptTest {

    @TempDir
    Path dir;

    @Test
    void interruptedTrainingLeavesAUsableCheckpoint() throws Exception {
        Path out = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                StromCommand.class.getName(), "train", "--config", "tiny", "--out", out.toString(),
                "--steps", "100000", "--checkpoint-every", "100000"))
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null && !line.contains("step ")) {
                // wait until training runs
            }
            Thread.sleep(2000);
            p.destroy();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process ends after the interrupt");
        }
        Path state = out.resolve("checkpoint").resolve("trainer.json");
        assertTrue(Files.exists(state), "a checkpoint was written on interrupt");
        int step = Integer.parseInt(Files.readString(state).replaceAll("(?s).*\"step\" : (\\d+).*", "$1"));
        assertTrue(step >= 1, "checkpoint holds the steps done: " + step);
        Cli resumed = Cli.run("train", "--config", "tiny", "--out", out.toString(), "--steps", String.valueOf(step + 2), "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(Files.readString(state).contains("\"step\" : " + (step + 2)));
    }
}
