package dev.strom.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;

class TrainCommandTest {

    @TempDir
    Path dir;

    /** Column {@code index} of a run's loss.csv, one value per step (1: loss, 2: bits/dim). */
    private static double[] column(Path run, int index) throws IOException {
        return Files.readAllLines(run.resolve("loss.csv")).stream().skip(1)
                .mapToDouble(r -> Double.parseDouble(r.split(",")[index])).toArray();
    }

    /** The tiny preset with {@code change} made to its train section, written to {@code name} in the test's folder. */
    private Path tinyWith(String name, Consumer<ObjectNode> change) throws IOException {
        ObjectNode config = TrainCommand.loadConfig("tiny");
        change.accept((ObjectNode) config.path("train"));
        Path file = dir.resolve(name);
        Files.writeString(file, config.toString());
        return file;
    }

    @Test
    void tinyPresetTrainsResumesAndItsLossFalls() throws IOException {
        Path out = dir.resolve("run");
        Cli first = Cli.run("train", "--config", "tiny", "--out", out.toString(), "--steps", "40", "--checkpoint-every", "20",
                "--seed", "7");
        assertEquals(0, first.exit(), first.err());
        Path checkpoint = out.resolve("checkpoint");
        assertTrue(Files.exists(checkpoint.resolve("weights.safetensors")));
        assertTrue(Files.exists(out.resolve("loss.png")));
        assertTrue(Files.readString(checkpoint.resolve("trainer.json")).contains("\"step\" : 40"));
        ModelVocabulary vocabulary = ModelVocabulary.read(checkpoint).orElseThrow(() -> new AssertionError("no vocabulary.json"));
        assertTrue(vocabulary.words().knows("apple") && vocabulary.words().knows("hintergrund"), "the world's words, both languages");
        assertTrue(vocabulary.words().unknownWords("a cat on a beach").containsAll(List.of("cat", "beach")));
        assertEquals(8, vocabulary.canDraw().objects().size(), "the world's objects with their colours");

        Cli again = Cli.run("train", "--config", "tiny", "--out", out.toString(), "--steps", "40");
        assertEquals(2, again.exit(), "refuses to overwrite a checkpoint without --resume");

        Cli resumed = Cli.run("train", "--config", "tiny", "--out", out.toString(), "--steps", "60", "--seed", "7", "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(Files.readString(checkpoint.resolve("trainer.json")).contains("\"step\" : 60"));

        double[] bpd = column(out, 2);
        assertEquals(60, bpd.length, "one row per step across the resume");
        double early = Arrays.stream(bpd, 0, 10).average().orElseThrow();
        double late = Arrays.stream(bpd, 50, 60).average().orElseThrow();
        assertTrue(late < early - 0.5, "bits/dim should fall: " + early + " -> " + late);

        // without --config, a resumed run goes on with the config, seed and reproducing command it was saved with
        String command = ModelStore.readConfig(checkpoint).path("strom").path("card").path("command").asText();
        assertTrue(command.contains("--seed 7"), command);
        Cli own = Cli.run("train", "--out", out.toString(), "--steps", "62", "--resume");
        assertEquals(0, own.exit(), own.err());
        assertTrue(Files.readString(checkpoint.resolve("trainer.json")).contains("\"seed\" : 7"));
        assertTrue(Files.readString(checkpoint.resolve("trainer.json")).contains("\"step\" : 62"));
        assertEquals(command, ModelStore.readConfig(checkpoint).path("strom").path("card").path("command").asText());

        Cli info = Cli.run("info", out.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("held-out:"), info.out());
    }

    @Test
    void aModelWithoutFrameEmbeddingsIsFineTunedOnLongerClipsWhenTheConfigSaysSo() throws IOException {
        Path first = dir.resolve("short");
        assertEquals(0, Cli.run("train", "--config", "tiny", "--out", first.toString(), "--steps", "2").exit());
        Path longer = dir.resolve("longer.json");
        Files.writeString(longer, "{\"strom\": {\"video\": {\"frames\": 8}}, \"train\": {\"batch\": 2, \"learning_rate\": 0.001}}");
        Path second = dir.resolve("long");
        Cli tuned = Cli.run("train", "--init", first.resolve("checkpoint").toString(), "--config", longer.toString(),
                "--out", second.toString(), "--steps", "2");
        assertEquals(0, tuned.exit(), tuned.err());
        String config = Files.readString(second.resolve("checkpoint").resolve("config.json"));
        assertTrue(config.replaceAll("\\s", "").contains("\"frames\":8"), "trained on and saved with 8-frame clips: " + config);
        Cli made = Cli.run("generate", "--model", second.toString(), "--seed", "1", "-o", dir.resolve("long.mp4").toString(), "a red apple");
        assertEquals(0, made.exit(), made.err());

        // resumed with --init again, the card keeps this run's command and lineage, not those of the model it started from
        String command = ModelStore.readConfig(second.resolve("checkpoint")).path("strom").path("card").path("command").asText();
        Cli resumed = Cli.run("train", "--init", first.resolve("checkpoint").toString(), "--config", longer.toString(),
                "--out", second.toString(), "--steps", "3", "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertEquals(command, ModelStore.readConfig(second.resolve("checkpoint")).path("strom").path("card").path("command").asText());

        // resumed without --init, it still knows the words the model it started from was trained on
        String words = Files.readString(second.resolve("checkpoint").resolve("vocabulary.json"));
        Cli own = Cli.run("train", "--out", second.toString(), "--steps", "4", "--resume");
        assertEquals(0, own.exit(), own.err());
        assertEquals(words, Files.readString(second.resolve("checkpoint").resolve("vocabulary.json")));
    }

    @Test
    void aFineTuneMayDeepenTheModelsBlocksAndStartsFromExactlyWhatTheModelComputed() throws IOException {
        Path first = dir.resolve("shallow");
        assertEquals(0, Cli.run("train", "--config", "tiny", "--out", first.toString(), "--steps", "3", "--seed", "4").exit());
        String card = Files.readString(first.resolve("checkpoint").resolve("config.json"));
        java.util.regex.Matcher heldOut = java.util.regex.Pattern.compile("\"heldout_bits_per_dim\"\\s*:\\s*([0-9.]+)").matcher(card);
        assertTrue(heldOut.find(), card);
        Path deeper = dir.resolve("deeper.json");
        Files.writeString(deeper, "{\"model_kwargs\": {\"layers_per_block\": [1, 3]}, \"train\": {\"batch\": 2, \"learning_rate\": 0.001}}");
        Cli tuned = Cli.run("train", "--init", first.resolve("checkpoint").toString(), "--config", deeper.toString(),
                "--out", dir.resolve("deep").toString(), "--steps", "2", "--seed", "4");
        assertEquals(0, tuned.exit(), tuned.err());
        assertTrue(tuned.err().contains("layers per block [1,1] -> [1,3]"), tuned.err());
        assertTrue(tuned.err().contains(String.format(java.util.Locale.ROOT, "before fine-tuning: %.4f",
                Double.parseDouble(heldOut.group(1)))), "the grown model's held-out bits/dim are the model's: " + tuned.err());
        Cli made = Cli.run("generate", "--model", dir.resolve("deep").toString(), "--seed", "1", "-o", dir.resolve("deep.mp4").toString(), "a red apple");
        assertEquals(0, made.exit(), made.err());
    }

    @Test
    void aLatentPresetTrainsItsAutoencoderFirstThenTheFlowOnItsLatentsAndTheModelMakesVideos() throws IOException {
        Path out = dir.resolve("latent");
        Cli first = Cli.run("train", "--config", "tiny-latent", "--out", out.toString(), "--steps", "10", "--checkpoint-every", "5");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("autoencoder done: 40 steps"), first.err());
        Path checkpoint = out.resolve("checkpoint");
        String config = Files.readString(checkpoint.resolve("config.json"));
        assertTrue(config.contains("latent_mean") && config.contains("latent_std"), "the latents' statistics travel with the model");
        assertTrue(config.contains("\"extend_marker\" : true"), "trained on (extend) windows, it samples later windows under that caption");

        // resuming the flow reads the finished autoencoder back instead of training it again
        Cli resumed = Cli.run("train", "--config", "tiny-latent", "--out", out.toString(), "--steps", "12", "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(!resumed.err().contains("autoencoder done"), resumed.err());

        Path video = dir.resolve("latent.mp4");
        Cli made = Cli.run("generate", "--model", out.toString(), "--frames", "9", "--seed", "3", "-o", video.toString(), "a red apple");
        assertEquals(0, made.exit(), made.err());
        assertTrue(Files.size(video) > 0);
        Cli odd = Cli.run("generate", "--model", out.toString(), "--frames", "8", "-o", dir.resolve("odd.mp4").toString(), "a red apple");
        assertEquals(2, odd.exit(), "8 frames do not end where a latent frame does");
        assertTrue(odd.err().contains("1 + 4k frames"), odd.err());
    }

    @Test
    void aLatentModelsExtendWindowsMustBeOneLatentFrameLongerToDropTheFirst() throws IOException {
        Path config = dir.resolve("no-lead.json");
        String preset = new String(TrainCommandTest.class.getResourceAsStream("/presets/tiny-latent.json").readAllBytes());
        Files.writeString(config, preset.replace("\"extend_lead_frames\": 4", "\"extend_lead_frames\": 0"));
        Cli run = Cli.run("train", "--config", config.toString(), "--out", dir.resolve("run").toString(), "--steps", "2");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("extend_lead_frames 4"), run.err());
    }

    @Test
    void aModelTrainedOnEditsGuidesThemFromTheEditMarkerAloneAndOneTrainedWithoutFromTheEmptyCaption() throws IOException {
        Path edits = tinyWith("edits.json", train -> train.put("edits_per_step", 2).put("edit_target_frames", 2));
        Path marked = dir.resolve("marked");
        Path plain = dir.resolve("plain");
        assertEquals(0, Cli.run("train", "--config", edits.toString(), "--out", marked.toString(), "--steps", "2").exit());
        assertEquals(0, Cli.run("train", "--config", "tiny", "--out", plain.toString(), "--steps", "2").exit());
        assertTrue(ModelStore.readConfig(marked.resolve("checkpoint")).path("strom").path("sampling").path("edit_marker").asBoolean(),
                "its edits' dropped captions kept \"(v2v) \", so an edit's unconditional branch is that marker alone");
        assertFalse(ModelStore.readConfig(plain.resolve("checkpoint")).path("strom").path("sampling").has("edit_marker"));
    }

    @Test
    void aShareOfClipsContinuesFromTheModelsOwnFramesAndAResumedRunIsTheSameRun() throws IOException {
        Path file = tinyWith("own.json", train -> train.put("own_past_share", 0.5).put("own_past_frames", 2));
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        Path plain = dir.resolve("plain");
        assertEquals(0, Cli.run("train", "--config", file.toString(), "--out", straight.toString(), "--steps", "4", "--seed", "3").exit());
        Cli half = Cli.run("train", "--config", file.toString(), "--out", resumed.toString(), "--steps", "4", "--stop-at", "2", "--seed", "3");
        assertEquals(0, half.exit(), half.err());
        // without --steps the resumed run keeps the 4-step schedule it was started with, not the config's own
        Cli rest = Cli.run("train", "--out", resumed.toString(), "--resume");
        assertEquals(0, rest.exit(), rest.err());
        assertEquals(0, Cli.run("train", "--config", "tiny", "--out", plain.toString(), "--steps", "4", "--seed", "3").exit());
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint/weights.safetensors")),
                Files.readAllBytes(resumed.resolve("checkpoint/weights.safetensors")), "the model's own frames are drawn again the same way");
        assertTrue(column(straight, 1)[0] != column(plain, 1)[0], "half of the clips are scored after the model's own frames");
    }

    @Test
    void aFirstStepMovedByTheTextStartsFromAFitOfTheClipsMovesAndAResumedRunIsTheSameRun() throws IOException {
        ObjectNode config = TrainCommand.loadConfig("tiny");
        ((ObjectNode) config.path("model_kwargs")).put("motion_compensation", 1).put("first_step_motion", 1);
        ((ObjectNode) config.path("train")).put("first_step_velocity_weight", 0.1);
        Path file = dir.resolve("first-step.json");
        Files.writeString(file, config.toString());
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        Cli run = Cli.run("train", "--config", file.toString(), "--out", straight.toString(), "--steps", "3", "--seed", "4");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("first step's velocity and size rate fitted to the steps of"), run.err());
        Cli half = Cli.run("train", "--config", file.toString(), "--out", resumed.toString(), "--steps", "3", "--stop-at", "1", "--seed", "4");
        assertEquals(0, half.exit(), half.err());
        Cli rest = Cli.run("train", "--out", resumed.toString(), "--steps", "3", "--resume");
        assertEquals(0, rest.exit(), rest.err());
        assertFalse(rest.err().contains("fitted"), "a resumed run keeps the velocity it had");
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint/weights.safetensors")),
                Files.readAllBytes(resumed.resolve("checkpoint/weights.safetensors")));
    }

    @Test
    void anOwnPastShareOutsideZeroToOneIsRefusedBeforeTraining() throws IOException {
        Path file = tinyWith("own-share.json", train -> train.put("own_past_share", 1.5));
        Cli run = Cli.run("train", "--config", file.toString(), "--out", dir.resolve("own-share").toString(), "--steps", "2");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("own_past_share must be in [0, 1]"), run.err());
    }

    @Test
    void aMovingTokenWeightThatIsNotPositiveIsRefusedBeforeTraining() throws IOException {
        Path file = tinyWith("zero-weight.json", train -> train.put("moving_token_weight", 0));
        Path out = dir.resolve("zero-weight");
        Cli run = Cli.run("train", "--config", file.toString(), "--out", out.toString(), "--steps", "2");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("moving_token_weight must be a positive number"), run.err());
        assertTrue(!Files.exists(out.resolve("checkpoint")), "no checkpoint is written");
    }

    @Test
    void aLatentModelReadingOnlyTheNextFrameReadsTheWholeLatentFrameThatHoldsIt() throws IOException {
        ObjectNode config = TrainCommand.loadConfig("tiny-latent");
        ((ObjectNode) config.path("strom").path("video")).put("frames", 9);
        ((ObjectNode) config.path("train")).put("future_contrast_per_step", 1).put("future_given_min", 2)
                .put("future_given_max", 6).put("future_reads", "next").putArray("future_corruptions").add("held").add("reversed");
        Path file = dir.resolve("next.json");
        Files.writeString(file, config.toString());
        // given 2..6 of 9 frames: the frame read lies in latent frame 1 or 2, so 5 or 9 frames are encoded, never 3..7
        Cli run = Cli.run("train", "--config", file.toString(), "--out", dir.resolve("next").toString(), "--steps", "2");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("future "), run.err());
    }
}
