package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.store.SafetensorsFile;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** strom merge: a fine-tune pulled part of the way back to its base, written as a model that loads. */
class MergeCommandTest {

    private static final Path BUNDLED = ModelOption.bundled();

    @TempDir
    Path dir;

    @Test
    void theMergedModelLoadsCarriesTheFineTunesVocabularyAndSaysHowItWasMade() throws Exception {
        Path out = dir.resolve("merged");
        Cli r = Cli.run("merge", BUNDLED.toString(), "--base", BUNDLED.toString(), "--weight", "1", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        Map<String, TensorData> before = SafetensorsFile.read(BUNDLED.resolve("weights.safetensors"));
        Map<String, TensorData> after = SafetensorsFile.read(out.resolve("weights.safetensors"));
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            assertArrayEquals(before.get(k).values(), after.get(k).values(), "weight 1 is the fine-tune itself: " + k);
        }
        assertArrayEquals(Files.readAllBytes(BUNDLED.resolve("vocabulary.json")), Files.readAllBytes(out.resolve("vocabulary.json")));
        JsonNode merged = new ObjectMapper().readTree(out.resolve("config.json").toFile()).path("strom").path("card").path("merged");
        assertEquals(1.0, merged.path("weight").asDouble());
        assertTrue(merged.path("command").asText().startsWith("strom merge "), merged.toString());
        Cli info = Cli.run("info", out.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("merged:       1.00 of that fine-tune, 0.00 of its base"), info.out());
        assertFalse(info.out().contains("held-out:"), "the fine-tune's held-out figure is not the merged model's: " + info.out());
    }

    @Test
    void aWeightOutsideZeroToOneIsOneLineAndWritesNothing() {
        Path out = dir.resolve("merged");
        Cli r = Cli.run("merge", BUNDLED.toString(), "--base", BUNDLED.toString(), "--weight", "1.5", "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errorLines().strip().lines().count(), r.err());
        assertTrue(r.errorLines().contains("[0, 1]"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce() throws Exception {
        Path out = Files.createDirectories(dir.resolve("merged"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Cli r = Cli.run("merge", BUNDLED.toString(), "--base", BUNDLED.toString(), "--weight", "0.5", "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.errorLines().contains("--force"), r.err());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        Cli forced = Cli.run("merge", BUNDLED.toString(), "--base", BUNDLED.toString(), "--weight", "0.5", "--out", out.toString(),
                "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertTrue(Files.isRegularFile(out.resolve("weights.safetensors")));
    }
}
