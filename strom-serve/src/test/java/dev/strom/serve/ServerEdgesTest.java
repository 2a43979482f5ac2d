package dev.strom.serve;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the server listens, what its errors say (never its paths), what it leaves on disk, and how large an upload
 * limit it takes.
 */
class ServerEdgesTest {

    @Test
    void aServerListensOnLoopbackOnlyAndSaysSo() throws Exception {
        StromServer server = TestServer.shared();
        assertEquals("127.0.0.1:" + server.port(), server.address());
        Optional<InetAddress> outside = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address");
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress(outside.get(), server.port()), 5000),
                    "the API is not reachable at " + outside.get().getHostAddress());
        }
    }

    @Test
    void aListCursorThatIsNoIdIs400NamingAfter() throws Exception {
        Http http = new Http(TestServer.baseUrl());
        for (String after : new String[]{"garbage", "video_00000000000000000000000000000000", "..%2F.."}) {
            Http.Reply reply = http.json("GET", "/v1/videos?after=" + after, null);
            assertEquals(400, reply.status(), after);
            assertEquals("after", reply.body().path("error").path("param").asText(), after);
        }
    }

    @Test
    void aFinishedVideoLeavesNoDraftFramesBehind() throws Exception {
        Http http = new Http(TestServer.baseUrl());
        String id = http.json("POST", "/v1/videos", "{\"prompt\": \"a red ball moving up on a green background\", \"seed\": 3}")
                .body().path("id").asText();
        String status = waitUntilDone(http, id);
        assertEquals("completed", status);
        Path folder = TestServer.sharedData().resolve("videos").resolve(id);
        assertTrue(Files.isRegularFile(folder.resolve("video.mp4")));
        assertFalse(Files.exists(folder.resolve("live")), "the per-frame drafts are gone once the video is done");
        assertEquals(200, http.json("DELETE", "/v1/videos/" + id, null).status());
    }

    /**
     * A server allowed 1 GiB uploads (the most there is) takes a small one; when its disk fails, the client hears a
     * JSON server error, and a failed video's error, without the server's paths.
     */
    @Test
    void theLargestUploadLimitWorksAndDiskErrorsDoNotShowPaths() throws Exception {
        Path data = Files.createTempDirectory("strom-edges-test");
        try (StromServer server = StromServer.start(TestServer.config(data, 0, null, "edges-test", 4, ServeConfig.MAX_UPLOAD_BYTES))) {
            Http http = new Http("http://127.0.0.1:" + server.port());
            Http.Reply verified = http.multipart("/v1/verifications", "file", "black.png", PictureBombs.png(64, 48));
            assertEquals(200, verified.status(), verified.body().toString());

            // the videos folder becomes a file: every write under it fails
            Path videos = data.resolve("videos");
            TestServer.deleteTree(videos);
            Files.writeString(videos, "not a folder");
            Http.Reply refused = http.multipart("/v1/videos", "prompt", null, "a cat", "input_reference", "black.png",
                    PictureBombs.png(64, 48));
            assertEquals(500, refused.status(), refused.body().toString());
            assertEquals("server_error", refused.body().path("error").path("type").asText());
            assertFalse(refused.body().toString().contains(data.toString()), refused.body().toString());

            String id = http.json("POST", "/v1/videos", "{\"prompt\": \"a cat\"}").body().path("id").asText();
            assertEquals("failed", waitUntilDone(http, id));
            String error = http.json("GET", "/v1/videos/" + id, null).body().path("error").toString();
            assertFalse(error.contains(data.toString()), error);
            assertTrue(error.contains("could not read or write"), error);
        } finally {
            TestServer.deleteTree(data);
        }
        assertThrows(IllegalArgumentException.class,
                () -> TestServer.config(data, 0, null, "edges-test", 4, ServeConfig.MAX_UPLOAD_BYTES + 1));
    }

    private static String waitUntilDone(Http http, String id) throws Exception {
        long end = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < end) {
            String status = http.json("GET", "/v1/videos/" + id, null).body().path("status").asText();
            if (!status.equals("queued") && !status.equals("in_progress")) {
                return status;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("video " + id + " did not finish");
    }
}
