package dev.strom.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.videos.Video;
import com.openai.models.videos.VideoCreateParams;
import com.openai.models.videos.VideoDeleteResponse;
import com.openai.models.videos.VideoDownloadContentParams;
import com.openai.models.videos.VideoListPage;
import com.openai.models.videos.VideoListParams;
import com.openai.models.videos.VideoRemixParams;
import com.openai.models.videos.VideoSize;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official openai-java client drives the server as it would OpenAI's Videos API. */
class OpenAiSdkTest {

    static OpenAIClient client;

    @BeforeAll
    static void connect() throws IOException {
        client = OpenAIOkHttpClient.builder().apiKey(TestServer.KEY).baseUrl(TestServer.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static Video waitUntilDone(String id) throws InterruptedException {
        long end = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < end) {
            Video v = client.videos().retrieve(id);
            if (v.status().equals(Video.Status.COMPLETED) || v.status().equals(Video.Status.FAILED)) {
                return v;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("video " + id + " did not finish");
    }

    static byte[] download(String id, VideoDownloadContentParams.Variant variant) throws IOException {
        try (HttpResponse res = client.videos().downloadContent(VideoDownloadContentParams.builder().videoId(id).variant(variant).build());
             InputStream in = res.body()) {
            return in.readAllBytes();
        }
    }

    @Test
    void createPollDownloadListRemixDelete(@TempDir Path tmp) throws Exception {
        Video created = client.videos().create(VideoCreateParams.builder()
                .prompt("a red apple moving left on a blue background").size(VideoSize._720X1280).build());
        assertEquals("video", created._object_().asString().orElseThrow());
        assertTrue(created.status().equals(Video.Status.QUEUED) || created.status().equals(Video.Status.IN_PROGRESS));
        assertEquals("512x512", created.size().asString(), "720x1280 maps to the largest square the upscale allows");
        assertEquals("2", created.seconds().asString(), "the model's own 16 frames at 8 fps");
        String strom = String.valueOf(created._additionalProperties().get("strom"));
        assertTrue(strom.contains("requested 720x1280"), "the response says what was changed: " + strom);

        Video done = waitUntilDone(created.id());
        assertEquals(Video.Status.COMPLETED, done.status(), () -> String.valueOf(done.error()));
        assertEquals(100, done.progress());
        assertTrue(done.completedAt().isPresent());

        Path mp4 = tmp.resolve("video.mp4");
        Files.write(mp4, download(done.id(), VideoDownloadContentParams.Variant.VIDEO));
        MediaDecoder.Media decoded = MediaDecoder.decode(mp4, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
        Clip clip = decoded.clip();
        assertEquals(16, clip.frames());
        assertEquals(32, clip.width());
        assertEquals(512, decoded.storedWidth());
        byte[] thumbnail = download(done.id(), VideoDownloadContentParams.Variant.THUMBNAIL);
        assertEquals(UploadCheck.Kind.WEBP, UploadCheck.sniff(thumbnail));
        byte[] sheet = download(done.id(), VideoDownloadContentParams.Variant.SPRITESHEET);
        assertEquals(UploadCheck.Kind.JPEG, UploadCheck.sniff(sheet));

        Video remix = client.videos().remix(done.id(), VideoRemixParams.builder().prompt("a green ball on a red background").build());
        assertEquals(done.id(), remix.remixedFromVideoId().orElseThrow());
        assertEquals(Video.Status.COMPLETED, waitUntilDone(remix.id()).status());

        VideoListPage first = client.videos().list(VideoListParams.builder().limit(1).build());
        assertEquals(1, first.data().size());
        assertEquals(remix.id(), first.data().get(0).id(), "newest first");
        assertTrue(first.hasNextPage());
        List<String> all = new ArrayList<>();
        first.autoPager().forEach(v -> all.add(v.id()));
        assertTrue(all.indexOf(remix.id()) < all.indexOf(done.id()), "the cursor walks on to older videos: " + all);

        VideoDeleteResponse deleted = client.videos().delete(done.id());
        assertTrue(deleted.deleted());
        assertThrows(NotFoundException.class, () -> client.videos().retrieve(done.id()));
        client.videos().delete(remix.id());
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() throws IOException {
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> client.videos().retrieve("video_00000000000000000000000000000000"));
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", missing.code().orElseThrow());

        BadRequestException blank = assertThrows(BadRequestException.class,
                () -> client.videos().create(VideoCreateParams.builder().prompt(" ").build()));
        assertEquals("prompt", blank.param().orElseThrow());

        OpenAIClient wrongKey = OpenAIOkHttpClient.builder().apiKey("nope").baseUrl(TestServer.baseUrl() + "/v1").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> wrongKey.videos().list());
        } finally {
            wrongKey.close();
        }
        assertFalse(client.videos().list().data().stream().anyMatch(v -> v.prompt().orElse("").isBlank()),
                "the refused request left no video behind");
    }
}
