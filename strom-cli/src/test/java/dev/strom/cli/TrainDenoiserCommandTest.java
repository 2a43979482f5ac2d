package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainDenoiserCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTrainedModelGetsADenoiserThatResumesAndIsUsedWhenGenerating() throws IOException {
        Path flow = dir.resolve("flow");
        assertEquals(0, Cli.run("train", "--config", "tiny", "--out", flow.toString(), "--steps", "2").exit());
        Path out = dir.resolve("denoised");
        Cli first = Cli.run("train-denoiser", "--model", flow.toString(), "--out", out.toString(), "--steps", "6",
                "--batch", "2", "--checkpoint-every", "2");
        assertEquals(0, first.exit(), first.err());
        JsonNode config = new ObjectMapper().readTree(out.resolve("checkpoint").resolve("config.json").toFile());
        assertEquals(1, config.path("model_kwargs").path("learnable_self_denoiser").asInt(), config.toString());
        assertEquals(6, config.path("strom").path("card").path("denoiser").path("steps").asInt(), config.toString());
        assertTrue(Files.isRegularFile(out.resolve("checkpoint").resolve("vocabulary.json")), "the model's vocabulary goes along");

        Cli again = Cli.run("train-denoiser", "--model", flow.toString(), "--out", out.toString(), "--steps", "6");
        assertEquals(2, again.exit(), "refuses to overwrite a checkpoint without --resume");
        Cli resumed = Cli.run("train-denoiser", "--out", out.toString(), "--steps", "8", "--batch", "2", "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(Files.readString(out.resolve("checkpoint").resolve("trainer.json")).contains("\"step\" : 8"));

        // the same seed draws the same raw sample from either; only the final step differs
        assertTrue(Arrays.equals(sheet(flow, "raw-flow", "--no-denoise"), sheet(out, "raw-denoised", "--no-denoise")));
        assertTrue(!Arrays.equals(sheet(flow, "flow"), sheet(out, "denoised")),
                "the learned denoiser takes the score step's place");
    }

    /** The frames, side by side, of one clip made by {@code model} at seed 1. */
    private byte[] sheet(Path model, String name, String... options) throws IOException {
        Path png = dir.resolve(name + ".png");
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--seed", "1", "--no-provenance",
                "-o", dir.resolve(name + ".mp4").toString(), "--sheet", png.toString()));
        args.addAll(List.of(options));
        args.add("a red apple");
        Cli made = Cli.run(args.toArray(String[]::new));
        assertEquals(0, made.exit(), made.err());
        return Files.readAllBytes(png);
    }

    @Test
    void badSettingsAreOneLineAndExit2() {
        Cli run = Cli.run("train-denoiser", "--out", dir.resolve("x").toString(), "--steps", "0");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--steps"), run.err());
    }
}
