package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `strom classify` reads which caption a clip was made from off the bundled model's likelihood: on a clip of a
 * held-out scene (a combination never trained on) the true words win against captions that change the motion, the
 * object or the background, in English and in German.
 */
class ClassifyCommandTest {

    @TempDir
    Path dir;

    private Path clip;

    @BeforeEach
    void heldOutClip() throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        Scene.Combo heartDownBlue = new Scene.Combo(Thing.HEART, Motion.DOWN, Hue.BLUE);
        assertTrue(CaptionedWorld.HELD_OUT.contains(heartDownBlue));
        clip = dir.resolve("heart.mp4");
        ClipWriter.write(world.render(world.scene(heartDownBlue, 3)), clip, 8);
    }

    private JsonNode classify(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "classify";
        all[1] = clip.toString();
        all[2] = "--json";
        System.arraycopy(args, 0, all, 3, args.length);
        Cli r = Cli.run(all);
        assertEquals(0, r.exit(), r.err());
        JsonNode out = new ObjectMapper().readTree(r.out());
        double sum = 0;
        for (JsonNode c : out.path("captions")) {
            sum += c.path("probability").asDouble();
        }
        assertEquals(1.0, sum, 1e-6, "probabilities over the captions asked: " + out);
        return out;
    }

    private static String top(JsonNode out) {
        return out.path("captions").get(0).path("caption").asText();
    }

    @Test
    void theTrueCaptionIsTheMostProbable() throws Exception {
        String own = "a pink heart moving down on a blue background";
        JsonNode out = classify("a pink heart moving up on a blue background", "a yellow star moving down on a blue background",
                own, "a pink heart moving down on a green background", "a pink heart moving left on a blue background");
        assertEquals(own, top(out), out.toString());
        assertEquals(5, out.path("captions").size());
        assertEquals(16, out.path("frames_read").asInt());
        String eigen = "ein rosa Herz bewegt sich nach unten auf blauem Hintergrund";
        assertEquals(eigen, top(classify("ein rosa Herz bewegt sich nach oben auf blauem Hintergrund", eigen,
                "ein rosa Herz bewegt sich nach unten auf grünem Hintergrund")));
    }

    /** Two frames show where the object starts and its first step: enough to tell down from up or left (not always from staying). */
    @Test
    void theOpeningAloneTellsWhichWayTheObjectGoes() throws Exception {
        String own = "a pink heart moving down on a blue background";
        JsonNode out = classify("--frames", "2", "a pink heart moving left on a blue background", own,
                "a pink heart moving up on a blue background");
        assertEquals(2, out.path("frames_read").asInt());
        assertEquals(own, top(out), out.toString());
    }

    /** Frames given are read only as what the rest follows from: the reading changes, and says how many were given. */
    @Test
    void givenFramesAreConditionedOnNotRead() throws Exception {
        String[] captions = {"a pink heart moving down on a blue background", "a pink heart moving up on a blue background"};
        JsonNode whole = classify(captions);
        JsonNode rest = classify("--given", "8", captions[0], captions[1]);
        assertEquals(0, whole.path("frames_given").asInt());
        assertEquals(8, rest.path("frames_given").asInt());
        assertEquals(16, rest.path("frames_read").asInt());
        assertTrue(Math.abs(probability(whole, captions[0]) - probability(rest, captions[0])) > 1e-3,
                "the first 8 frames' likelihood is left out: " + whole + " " + rest);
    }

    private static double probability(JsonNode out, String caption) {
        for (JsonNode c : out.path("captions")) {
            if (c.path("caption").asText().equals(caption)) {
                return c.path("probability").asDouble();
            }
        }
        throw new AssertionError(caption + " not in " + out);
    }

    @Test
    void badRequestsGetOneLineAndExitTwo() throws Exception {
        for (Cli r : new Cli[]{
                Cli.run("classify", clip.toString(), "only one caption"),
                Cli.run("classify", clip.toString(), "a pink heart", "  "),
                Cli.run("classify", clip.toString(), "--frames", "0", "a pink heart", "a blue fish"),
                Cli.run("classify", clip.toString(), "--given", "-1", "a pink heart", "a blue fish"),
                Cli.run("classify", clip.toString(), "--frames", "4", "--given", "4", "a pink heart", "a blue fish")}) {
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errorLines().strip().lines().count(), r.err());
        }
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video");
        Cli r = Cli.run("classify", text.toString(), "a pink heart", "a blue fish");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.errorLines().contains("notes.mp4"), r.err());
    }
}
