package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.footage.FolderDataset;
import dev.strom.footage.Preprocessing;
import dev.strom.footage.TestFootage;
import dev.strom.media.MediaDecoder;
import dev.strom.video.Generation;
import dev.strom.video.VideoSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.Files;

class FolderTrainingTest {

    @TempDir
    Path dir;

    /** TestFootage's folder: three 8-frame videos and an image that train, and three files that cannot. */
    private Path footage() throws IOException {
        Path folder = dir.resolve("footage");
        Files.createDirectories(folder);
        TestFootage.fillWithGoodAndBrokenFiles(folder);
        return folder;
    }

    private static JsonNode card(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("checkpoint/config.json").toFile()).path("strom").path("card");
    }

    @Test
    void aFolderWithBrokenFilesTrainsReportsThemAndFineTunesFromItsCheckpoint() throws IOException {
        Path folder = footage();
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

    /** The tiny preset with the dynamics parts a folder can train: future contrast and extension windows. */
    private static ObjectNode dynamics(int futures, int givenMax, int extendWindows) throws IOException {
        ObjectNode config = TrainCommand.loadConfig("tiny");
        ((ObjectNode) config.path("train")).put("future_contrast_per_step", futures).put("future_given_min", 1)
                .put("future_given_max", givenMax).put("extend_windows_per_step", extendWindows);
        return config;
    }

    private static FolderTrainingData open(Path folder, JsonNode config) throws IOException {
        return FolderTrainingData.open(folder, config.path("train"), new VideoSpec(4, 16, 8), MediaDecoder.Fit.CROP, 5, 3);
    }

    /** Where {@code window} (model layout) starts in one of the videos, or -1. */
    private static int startIn(List<FolderDataset.Item> videos, float[] window, int frames) {
        for (FolderDataset.Item v : videos) {
            for (int t = 0; t + frames <= v.clip().frames(); t++) {
                if (Arrays.equals(v.clip().window(t, frames).toModelLayout(), window)) {
                    return t;
                }
            }
        }
        return -1;
    }

    @Test
    void footageTrainsTheFutureAgainstHeldReversedAndShuffledFramesAndWindowsThatStartMidVideo() throws IOException {
        Path folder = footage();
        FolderTrainingData plain = open(folder, TrainCommand.loadConfig("tiny"));
        FolderTrainingData data = open(folder, dynamics(2, 2, 2));
        List<FolderDataset.Item> videos = FolderDataset.load(folder, Preprocessing.of(16, 8, 4, MediaDecoder.Fit.CROP), w -> { })
                .trainingVideos();
        int plane = 3 * 16 * 16;

        List<TrainingData.BatchPart> parts = data.batch(7);

        List<TrainingData.BatchPart> before = plain.batch(7);
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).captions(), parts.get(i).captions(), "the plain parts do not change");
        }
        TrainingData.BatchPart future = parts.get(before.size());
        assertTrue(future.future());
        assertEquals(4, future.futures(), "the truth, held, reversed, shuffled");
        assertEquals(2, future.captions().size());
        int given = future.scoredFrom();
        assertTrue(given == 1 || given == 2, "given " + given);
        for (int c = 0; c < 2; c++) {
            float[] truth = future.clips().get(4 * c);
            assertTrue(startIn(videos, truth, 4) >= 0, "the truth is a window of a training video");
            for (int k = 1; k < 4; k++) {
                float[] wrong = future.clips().get(4 * c + k);
                assertArrayEquals(Arrays.copyOf(truth, given * plane), Arrays.copyOf(wrong, given * plane), "candidate " + k + " keeps the given frames");
                assertFalse(Arrays.equals(truth, wrong), "candidate " + k + " goes on another way");
            }
            float[] held = future.clips().get(4 * c + 1);
            assertArrayEquals(Arrays.copyOfRange(truth, (given - 1) * plane, given * plane), Arrays.copyOfRange(held, 3 * plane, 4 * plane),
                    "held repeats the last given frame");
        }
        TrainingData.BatchPart windows = parts.get(before.size() + 1);
        assertEquals(2, windows.clips().size());
        for (int i = 0; i < 2; i++) {
            assertTrue(windows.captions().get(i).startsWith(Generation.EXTEND_MARKER), windows.captions().get(i));
            assertTrue(startIn(videos, windows.clips().get(i), 4) >= 1, "an extension window starts after the video's first frame");
        }
        List<TrainingData.BatchPart> again = open(folder, dynamics(2, 2, 2)).batch(7);
        for (int r = 0; r < future.clips().size(); r++) {
            assertArrayEquals(future.clips().get(r), again.get(before.size()).clips().get(r), "a step's data follows from the seed and the step");
        }
        assertTrue(data.vocabulary().words().knows("extend"), "the marker's word is in the vocabulary");
    }

    @Test
    void footageDynamicsSettingsThatCannotWorkAreRefusedBeforeTraining() throws IOException {
        Path folder = footage();

        IllegalArgumentException shuffled = assertThrows(IllegalArgumentException.class, () -> open(folder, dynamics(1, 3, 0)));
        assertTrue(shuffled.getMessage().contains("future_given_max must be at most 2"), shuffled.getMessage());
        ObjectNode removed = dynamics(1, 2, 0);
        ((ObjectNode) removed.path("train")).putArray("future_corruptions").add("removed");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> open(folder, removed));
        assertTrue(unknown.getMessage().contains("may name held, reversed, shuffled"), unknown.getMessage());
        ObjectNode drift = dynamics(1, 2, 0);
        ((ObjectNode) drift.path("train")).put("shape_drift_share", 0.5);
        IllegalArgumentException world = assertThrows(IllegalArgumentException.class, () -> open(folder, drift));
        assertTrue(world.getMessage().contains("shape_drift_share needs the built-in world"), world.getMessage());
    }

    @Test
    void footagePausesAShareOfItsClipsAndLeavesTheRestAsTheyWere() throws IOException {
        Path folder = footage();
        ObjectNode pausing = TrainCommand.loadConfig("tiny");
        ((ObjectNode) pausing.path("train")).put("pause_share", 1.0);
        VideoSpec eight = new VideoSpec(8, 16, 8);
        FolderTrainingData plain = FolderTrainingData.open(folder, TrainCommand.loadConfig("tiny").path("train"), eight, MediaDecoder.Fit.CROP, 5, 3);
        FolderTrainingData paused = FolderTrainingData.open(folder, pausing.path("train"), eight, MediaDecoder.Fit.CROP, 5, 3);
        int frame = 3 * 16 * 16;
        int clips = 0;
        for (int s = 0; s < 3; s++) {
            List<TrainingData.BatchPart> a = plain.batch(s);
            List<TrainingData.BatchPart> b = paused.batch(s);
            assertEquals(a.size(), b.size());
            for (int p = 0; p < a.size(); p++) {
                assertEquals(a.get(p).captions(), b.get(p).captions());
                for (int c = 0; c < a.get(p).clips().size(); c++) {
                    float[] was = a.get(p).clips().get(c);
                    float[] now = b.get(p).clips().get(c);
                    if (a.get(p).frames() < 6) {
                        assertArrayEquals(was, now, "an image or a short clip cannot pause");
                        continue;
                    }
                    clips++;
                    assertArrayEquals(Arrays.copyOf(was, frame), Arrays.copyOf(now, frame), "a paused clip starts as it did");
                    assertFalse(Arrays.equals(was, now), "with a share of 1 every clip pauses");
                }
            }
        }
        assertTrue(clips > 0, "some 8-frame clips were drawn");
        assertThrows(IllegalArgumentException.class, () -> open(folder, pausing), "4-frame clips are too short to pause");
    }

    @Test
    void aFolderTrainsWithFutureContrastAndExtensionWindows() throws IOException {
        Path folder = footage();
        Path config = dir.resolve("dynamics.json");
        Files.writeString(config, dynamics(2, 2, 1).toString());

        Cli run = Cli.run("train", "--data", folder.toString(), "--config", config.toString(), "--out", dir.resolve("run").toString(),
                "--steps", "2", "--batch", "2");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("future "), "the progress line reads the future contrast: " + run.err());
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
