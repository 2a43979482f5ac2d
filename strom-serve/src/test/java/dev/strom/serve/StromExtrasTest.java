package dev.strom.serve;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoring, the model list, and modes the engine cannot do yet. */
class StromExtrasTest {

    static Http http;

    @BeforeAll
    static void connect() throws Exception {
        http = new Http(TestServer.baseUrl());
    }

    private static byte[] mp4(Path dir, int size, int shade) throws Exception {
        byte[] rgb = new byte[16 * size * size * 3];
        java.util.Arrays.fill(rgb, (byte) shade);
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
    void aClipAtAnotherSizeIsRefused(@TempDir Path tmp) throws Exception {
        Http.Reply score = http.multipart("/v1/scores", "file", "clip.mp4", mp4(tmp, 16, 90));
        assertEquals(400, score.status());
        assertTrue(score.body().path("error").path("message").asText().contains("32x32"));
    }

    @Test
    void theModelListNamesTheServedModel() throws Exception {
        Http.Reply models = http.json("GET", "/v1/models", null);
        assertEquals(200, models.status());
        assertEquals("strom-world-32", models.body().path("data").path(0).path("id").asText());
    }

    @Test
    void aValidReferenceImageIsCheckedThenRefusedAsUnsupportedForNow() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", png);
        Http.Reply reply = http.multipart("/v1/videos", "prompt", null, "the apple rolls away", "input_reference", "start.png", png.toByteArray());
        assertEquals(400, reply.status());
        assertEquals("unsupported", reply.body().path("error").path("code").asText());
        assertEquals("input_reference", reply.body().path("error").path("param").asText());
    }

    @Test
    void extendAndEditAreRefusedAsUnsupportedAfterTheRequestIsChecked() throws Exception {
        Http.Reply missing = http.json("POST", "/v1/videos/extensions", "{\"prompt\": \"go on\", \"video\": {\"id\": \"video_00000000000000000000000000000000\"}}");
        assertEquals(404, missing.status(), "the referenced video must exist");
        Http.Reply created = http.json("POST", "/v1/videos", "{\"prompt\": \"a red apple\", \"seed\": 1}");
        String id = created.body().path("id").asText();
        Http.Reply extend = http.json("POST", "/v1/videos/extensions", "{\"prompt\": \"go on\", \"video\": {\"id\": \"" + id + "\"}}");
        assertEquals("unsupported", extend.body().path("error").path("code").asText());
        Http.Reply edit = http.json("POST", "/v1/videos/edits", "{\"prompt\": \"bluer\", \"video\": {\"id\": \"" + id + "\"}}");
        assertEquals("unsupported", edit.body().path("error").path("code").asText());
        http.json("DELETE", "/v1/videos/" + id, null);
    }
}
