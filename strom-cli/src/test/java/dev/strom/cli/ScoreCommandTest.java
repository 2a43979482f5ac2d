package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A clip like the training data is more probable than the same clip shuffled, and than noise. */
class ScoreCommandTest {

    @TempDir
    Path dir;

    private double score(Clip clip, String name, String prompt) throws Exception {
        Path file = dir.resolve(name);
        ClipWriter.write(clip, file, 8);
        Cli r = prompt == null ? Cli.run("score", file.toString(), "--json")
                : Cli.run("score", file.toString(), "--json", "--prompt", prompt);
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("\"" + (prompt == null ? "bits_per_dim" : "conditional_bits_per_dim")
                + "\": ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainingLikeClipBeatsShuffledFramesAndNoise() throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        Clip clip = world.render(world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 77));
        int[] order = {9, 2, 14, 5, 0, 11, 7, 15, 3, 12, 1, 8, 13, 4, 10, 6};
        Clip shuffled = clip.reorder(order);
        byte[] noise = new byte[clip.rgb().length];
        new Random(3).nextBytes(noise);
        Clip random = new Clip(16, 32, 32, 8, noise);

        double real = score(clip, "real.mp4", null);
        double mixed = score(shuffled, "shuffled.mp4", null);
        double junk = score(random, "noise.mp4", null);
        assertTrue(real < mixed, "ordered " + real + " should beat shuffled " + mixed);
        assertTrue(real < junk, "real " + real + " should beat noise " + junk);
        double conditional = score(clip, "real2.mp4", "a red apple moving left on a blue background");
        assertTrue(conditional > 0 && conditional < junk, "conditional " + conditional);
    }

    @Test
    void aClipLongerThanTheModelIsScoredToItsLastFrame() throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 32, 8, 0);
        Clip clip = world.render(world.scene(new Scene.Combo(Thing.APPLE, Motion.RIGHT, Hue.BLUE), 5));
        int[] lateShuffle = new int[32];
        for (int t = 0; t < 32; t++) {
            lateShuffle[t] = t < 24 ? t : 24 + (t - 24) * 3 % 8;
        }
        Path file = dir.resolve("long.mp4");
        ClipWriter.write(clip, file, 8);
        Cli r = Cli.run("score", file.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"frames\": 32"), "all 32 frames are scored: " + r.out());
        double ordered = score(clip, "ordered.mp4", null);
        double shuffled = score(clip.reorder(lateShuffle), "late-shuffle.mp4", null);
        assertTrue(ordered < shuffled, "shuffling only frames 24-31 costs bits: " + ordered + " vs " + shuffled);
    }
}
