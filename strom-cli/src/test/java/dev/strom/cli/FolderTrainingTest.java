package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.footage.TestFootage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.Files;

class FolderTrainingTest {

    @TempDir
    Path dir;

    private static JsonNode card(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("checkpoint/config.json").toFile()).path("strom").path("card");
    }

    @Test
    void aFolderWithBrokenFilesTrainsReportsThemAndFineTunesFromItsCheckpoint() throws IOException {
        Path folder = dir.resolve("footage");
        Files.createDirectories(folder);
        TestFootage.fillWithGoodAndBrokenFiles(folder);
        Path first = dir.resolve("first");

        Cli run = Cli.run("train", "--data", folder.toString(), "--config", "tiny", "--out", first.toString(),
                "--steps", "3", "--batch", "3");

        assertEquals(0, run.exit(), run.err());
        List<String> warnings = run.err().lines().filter(l -> l.startsWith("warning: skipped")).toList();
        assertEquals(3, warnings.size(), run.err());
        assertTrue(warnings.get(0).startsWith("warning: skipped broken.mp4: not a readable video or image"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("warning: skipped quiet.mp4: empty caption"), warnings.get(1));
        assertTrue(warnings.get(2).startsWith("warning: skipped tiny.png: 1x1 is smaller than 8x8"), warnings.get(2));
        JsonNode card = card(first);
        assertTrue(card.path("data").asText().contains("3 videos and 1 images"), card.toString());
        assertTrue(card.path("data").asText().contains("3 skipped"), card.toString());
        assertTrue(card.has("heldout_bits_per_dim"));

        Path second = dir.resolve("second");
        Cli tuned = Cli.run("train", "--data", folder.toString(), "--init", first.toString(), "--out", second.toString(),
                "--steps", "2");

        assertEquals(0, tuned.exit(), tuned.err());
        assertTrue(tuned.err().contains("(0 files decoded, 6 from the cache)"), "the second run reads the cache: " + tuned.err());
        JsonNode tunedCard = card(second);
        assertEquals(card.path("heldout_bits_per_dim").asDouble(), tunedCard.path("heldout_bits_per_dim_before").asDouble(), 1e-9,
                "fine-tuning starts from the first run's weights");
        assertTrue(tunedCard.path("fine_tuned_from").asText().endsWith("checkpoint"), tunedCard.toString());
        assertEquals(2, tunedCard.path("steps").asInt());
        assertTrue(tunedCard.path("command").asText().contains("--init"), tunedCard.toString());
        Cli info = Cli.run("info", second.toString());
        assertTrue(info.out().contains("before fine-tuning"), info.out());
    }

    @Test
    void aMissingFolderIsOneLineAndExitCode2() {
        Cli run = Cli.run("train", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("x").toString());

        assertEquals(2, run.exit());
        assertTrue(run.errorLines().contains("is neither 'world' nor a folder"), run.err());
    }

    @Test
    void aTrainingOnlyConfigNeedsInit() {
        Cli run = Cli.run("train", "--config", "finetune", "--out", dir.resolve("x").toString(), "--steps", "1");

        assertEquals(2, run.exit());
        assertTrue(run.errorLines().contains("use it with --init"), run.err());
    }
}
