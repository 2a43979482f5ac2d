package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.WorldDataset;
import dev.strom.media.ClipWriter;
import dev.strom.media.MediaDecoder;
import dev.strom.provenance.ImageQuality;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image-to-video (input_reference), extension, editing and provenance through the API, with the bundled model. */
class ServeModesTest {

    static Http http;

    private final WorldDataset.Sample scene = new WorldDataset(new CaptionedWorld(32, 16, 8, 0), 9).training(4);

    @BeforeAll
    static void connect() throws Exception {
        http = new Http(TestServer.baseUrl());
    }

    @Test
    void anInputReferenceBecomesFrameZero(@TempDir Path tmp) throws Exception {
        Clip source = scene.clip();
        BufferedImage still = ClipWriter.frame(source, 0, 1);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(still, "png", png);
        Http.Reply created = http.multipart("/v1/videos", "prompt", null, scene.caption(), "seed", null, "3".getBytes(),
                "input_reference", "start.png", png.toByteArray());
        assertEquals(200, created.status(), created.body()::toString);
        Clip made = download(completed(created.body().path("id").asText()), tmp);
        assertEquals(16, made.frames());
        double psnr = psnr(source, 0, made, 0);
        assertTrue(psnr >= 30, "frame 0 is the reference image (PSNR " + psnr + " dB at model size)");
    }

    @Test
    void anExtensionBeginsWithItsSourceAndAnEditKeepsItsLength(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("source.mp4");
        ClipWriter.write(scene.clip(), src, 8);
        Clip decodedSource = MediaDecoder.decode(src, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
        Http.Reply extended = http.multipart("/v1/videos/extensions", "prompt", null, scene.caption(), "seconds", null,
                "1".getBytes(), "video", "source.mp4", Files.readAllBytes(src));
        assertEquals(200, extended.status(), extended.body()::toString);
        String extendedId = extended.body().path("id").asText();
        Clip longer = download(completed(extendedId), tmp);
        assertEquals(16 + 8, longer.frames(), "16 source frames and one second more");
        for (int t = 0; t < 16; t++) {
            assertTrue(psnr(decodedSource, t, longer, t) >= 30, "frame " + t + " is the source's");
        }

        Http.Reply edited = http.json("POST", "/v1/videos/edits",
                "{\"prompt\": \"make the background green\", \"video\": {\"id\": \"" + extendedId + "\"}}");
        assertEquals(200, edited.status(), edited.body()::toString);
        JsonNode done = completed(edited.body().path("id").asText());
        assertEquals(24, download(done, tmp).frames(), "an edit is as long as its source");
    }

    @Test
    void extendingAVideoThatIsNotFinishedOrDoesNotExistIsRefused() throws Exception {
        Http.Reply missing = http.json("POST", "/v1/videos/extensions",
                "{\"prompt\": \"go on\", \"video\": {\"id\": \"video_00000000000000000000000000000000\"}}");
        assertEquals(404, missing.status());
        Http.Reply noise = http.multipart("/v1/videos/edits", "prompt", null, "bluer".getBytes(), "video", "v.gif",
                "GIF89a-but-nothing-else".getBytes());
        assertEquals(400, noise.status(), noise.body()::toString);
    }

    @Test
    void deliveredVideosCarryProvenanceAndTheVerificationEndpointSaysSo(@TempDir Path tmp) throws Exception {
        String id = http.json("POST", "/v1/videos", "{\"prompt\": \"a yellow star spinning on a black background\", \"seed\": 4}")
                .body().path("id").asText();
        completed(id);
        Path mp4 = tmp.resolve("delivered.mp4");
        HttpRequest get = HttpRequest.newBuilder(URI.create(TestServer.baseUrl() + "/v1/videos/" + id + "/content"))
                .header("Authorization", "Bearer " + TestServer.KEY).build();
        HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofFile(mp4));
        JsonNode v = http.multipart("/v1/verifications", "file", "delivered.mp4", Files.readAllBytes(mp4)).body();
        assertEquals("verification", v.path("object").asText(), v::toString);
        assertTrue(v.path("provenance").asBoolean(), v::toString);
        assertTrue(v.path("manifest").path("valid").asBoolean(), "a signed C2PA manifest: " + v);
        assertTrue(v.path("watermark").path("detected").asBoolean(), "the watermark: " + v);

        Path plain = tmp.resolve("plain.mp4");
        ClipWriter.write(scene.clip(), plain, 8);
        JsonNode none = http.multipart("/v1/verifications", "file", "plain.mp4", Files.readAllBytes(plain)).body();
        assertTrue(!none.path("provenance").asBoolean() && !none.path("manifest").path("present").asBoolean()
                && !none.path("watermark").path("detected").asBoolean(), none::toString);
    }

    private static JsonNode completed(String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode v = http.json("GET", "/v1/videos/" + id, null).body();
            String status = v.path("status").asText();
            if (status.equals("completed")) {
                return v;
            }
            assertTrue(!status.equals("failed"), v::toString);
            Thread.sleep(200);
        }
        throw new AssertionError("video " + id + " did not complete");
    }

    private static Clip download(JsonNode video, Path tmp) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(TestServer.baseUrl() + "/v1/videos/" + video.path("id").asText() + "/content"))
                .header("Authorization", "Bearer " + TestServer.KEY).build();
        Path file = tmp.resolve(video.path("id").asText() + ".mp4");
        HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofFile(file));
        return MediaDecoder.decode(file, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
    }

    /** PSNR of frame a of clip x against frame b of clip y, 8-bit RGB. */
    static double psnr(Clip x, int a, Clip y, int b) {
        return ImageQuality.between(x.window(a, 1), y.window(b, 1)).psnr();
    }
}
