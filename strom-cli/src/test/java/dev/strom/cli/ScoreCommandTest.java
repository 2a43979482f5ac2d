package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.media.ClipWriter;
import dev.strom.serve.ApiKeys;
import dev.strom.serve.ServeConfig;
import dev.strom.serve.StromServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

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
        JsonNode score = new ObjectMapper().readTree(r.out());
        JsonNode bits = score.path(prompt == null ? "bits_per_dim" : "conditional_bits_per_dim");
        assertTrue(bits.isNumber(), r.out());
        return bits.asDouble();
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
        assertEquals(32, new ObjectMapper().readTree(r.out()).path("frames").asInt(), "all 32 frames are scored: " + r.out());
        double ordered = score(clip, "ordered.mp4", null);
        double shuffled = score(clip.reorder(lateShuffle), "late-shuffle.mp4", null);
        assertTrue(ordered < shuffled, "shuffling only frames 24-31 costs bits: " + ordered + " vs " + shuffled);
    }

    @Test
    void theCommandAndTheApiScoreAFortyFrameClipAlikeEveryFrameOfIt() throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 40, 8, 0);
        Path file = dir.resolve("forty.mp4");
        ClipWriter.write(world.render(world.scene(new Scene.Combo(Thing.APPLE, Motion.RIGHT, Hue.BLUE), 6)), file, 8);
        Cli r = Cli.run("score", file.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode cli = new ObjectMapper().readTree(r.out());

        ServeConfig config = new ServeConfig(ServeConfig.LOOPBACK, 0, dir.resolve("serve"), null, 1, 4, 4L << 20, ModelOption.bundled(),
                ApiKeys.parse("test-key"), "test", null);
        try (StromServer server = StromServer.start(config)) {
            String boundary = "strom-test-boundary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forty.mp4\"\r\n"
                    + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] mp4 = Files.readAllBytes(file);
            byte[] body = new byte[head.length + mp4.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(mp4, 0, body, head.length, mp4.length);
            System.arraycopy(tail, 0, body, head.length + mp4.length, tail.length);
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + server.port() + "/v1/scores"))
                    .header("Authorization", "Bearer test-key")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), reply.body());
            JsonNode api = new ObjectMapper().readTree(reply.body());
            assertEquals(40, cli.path("frames").asInt(), "the command scores all 40 frames: " + r.out());
            assertEquals(40, api.path("frames").asInt(), "so does the API: " + reply.body());
            assertEquals(cli.path("bits_per_dim").asDouble(), api.path("bits_per_dim").asDouble(), 1e-12,
                    "one path, one score");
        }
    }
}
