package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/** Scoring, reading captions off the likelihood, the model list, the event stream. */
class StromExtrasTest {

    static Http http;

    @BeforeAll
    static void connect() throws Exception {
        http = new Http(TestServer.baseUrl());
    }

    private static byte[] mp4(Path dir, int size, int shade) throws Exception {
        byte[] rgb = new byte[16 * size * size * 3];
        Arrays.fill(rgb, (byte) shade);
        Path file = dir.resolve("clip-" + size + ".mp4");
        ClipWriter.write(new Clip(16, size, size, 8, rgb), file, 4);
        return Files.readAllBytes(file);
    }

    @Test
    void anUploadedClipIsScoredInBitsPerDimension(@TempDir Path tmp) throws Exception {
        Http.Reply score = http.multipart("/v1/scores", "file", "clip.mp4", mp4(tmp, 32, 90), "prompt", null, "a grey background");
        assertEquals(200, score.status(), score.body()::toString);
        assertEquals(16, score.body().path("frames").asInt());
        double bpd = score.body().path("bits_per_dim").asDouble();
        assertTrue(bpd > 0 && bpd < 16, "bits/dim of an 8-bit clip lies between 0 and 16: " + bpd);
        assertTrue(score.body().path("conditional_bits_per_dim").isNumber());
    }

    @Test
    void aClipAtAnotherSizeIsScoredAsTheModelSeesIt(@TempDir Path tmp) throws Exception {
        Http.Reply score = http.multipart("/v1/scores", "file", "clip.mp4", mp4(tmp, 16, 90));
        assertEquals(200, score.status(), score.body()::toString);
        assertEquals("16x16 at 8.0 fps", score.body().path("resampled_from").asText());
        assertTrue(score.body().path("bits_per_dim").asDouble() > 0);
    }

    /** A held-out scene (never trained on): the true caption beats ones that change the object or the background. */
    @Test
    void anUploadedClipIsReadAsTheCaptionItWasMadeFrom(@TempDir Path tmp) throws Exception {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        Scene.Combo heartDownBlue = new Scene.Combo(Thing.HEART, Motion.DOWN, Hue.BLUE);
        assertTrue(CaptionedWorld.HELD_OUT.contains(heartDownBlue));
        Path file = tmp.resolve("heart.mp4");
        ClipWriter.write(world.render(world.scene(heartDownBlue, 3)), file, 8);
        String own = "a pink heart moving down on a blue background";
        Http.Reply read = http.multipart("/v1/classifications", "file", "heart.mp4", Files.readAllBytes(file), "captions", null,
                "[\"a yellow star moving down on a blue background\", \"" + own + "\", \"a pink heart moving down on a green background\"]",
                "draws", null, "2");
        assertEquals(200, read.status(), read.body()::toString);
        assertEquals("classification", read.body().path("object").asText());
        assertEquals(16, read.body().path("frames_read").asInt());
        assertEquals(2, read.body().path("draws").asInt());
        JsonNode captions = read.body().path("captions");
        assertEquals(3, captions.size());
        assertEquals(own, captions.get(0).path("caption").asText(), read.body()::toString);
        double sum = 0;
        for (int i = 0; i < captions.size(); i++) {
            sum += captions.get(i).path("probability").asDouble();
            if (i > 0) {
                assertTrue(captions.get(i).path("probability").asDouble() <= captions.get(i - 1).path("probability").asDouble(),
                        "highest first: " + captions);
            }
        }
        assertEquals(1.0, sum, 1e-6);
        assertEquals(0, read.body().path("frames_given").asInt());

        Http.Reply rest = http.multipart("/v1/classifications", "file", "heart.mp4", Files.readAllBytes(file), "captions", null,
                "[\"" + own + "\", \"a pink heart moving up on a blue background\"]", "frames", null, "8", "given", null, "7");
        assertEquals(200, rest.status(), rest.body()::toString);
        assertEquals(8, rest.body().path("frames_read").asInt());
        assertEquals(7, rest.body().path("frames_given").asInt());
        Http.Reply nothingLeft = http.multipart("/v1/classifications", "file", "heart.mp4", Files.readAllBytes(file), "captions", null,
                "[\"" + own + "\", \"a pink heart moving up on a blue background\"]", "frames", null, "8", "given", null, "8");
        assertEquals(400, nothingLeft.status());
        assertEquals("given", nothingLeft.body().path("error").path("param").asText());
    }

    @Test
    void theEventStreamReportsProgressAndDraftsThenEveryFrameThenDone() throws Exception {
        String id = http.json("POST", "/v1/videos", "{\"prompt\": \"a white cube moving left on a red background\", \"seed\": 2}")
                .body().path("id").asText();
        var request = HttpRequest.newBuilder(URI.create(TestServer.baseUrl() + "/v1/videos/" + id + "/events"))
                .header("Authorization", "Bearer " + TestServer.KEY).build();
        List<String> lines = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofLines()).body().toList();
        List<String> events = lines.stream().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        List<Integer> progress = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("event: progress")) {
                progress.add(new ObjectMapper().readTree(lines.get(i + 1).substring(6)).path("progress").asInt());
            }
        }
        assertEquals("done", events.get(events.size() - 1));
        assertEquals(16, events.stream().filter("frame"::equals).count());
        assertEquals(16, events.stream().filter("draft"::equals).count(), "every frame drafted while the video was made");
        assertTrue(events.indexOf("draft") < events.lastIndexOf("progress"), "drafts come before the video is complete: " + events);
        assertEquals(100, progress.get(progress.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes back: " + progress);
        }
        http.json("DELETE", "/v1/videos/" + id, null);
    }

    @Test
    void theModelListNamesTheServedModel() throws Exception {
        Http.Reply models = http.json("GET", "/v1/models", null);
        assertEquals(200, models.status());
        assertEquals("strom-world-32", models.body().path("data").path(0).path("id").asText());
    }
}
