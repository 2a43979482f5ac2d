package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server killed with SIGKILL in the middle of a video is restarted on the same data; the video still ends. */
class RestartAfterKillTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aVideoInProgressWhenTheServerIsKilledCompletesOrFailsWithAReasonAfterRestart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        String id;
        ServerProcess first = ServerProcess.start(data, null, "first", tmp.resolve("first.log"));
        try {
            JsonNode created = json.readTree(first.send(http, "POST", "/v1/videos",
                    "{\"prompt\": \"a yellow star moving up on a green background\", \"seconds\": 4, \"seed\": 3}").body());
            id = created.path("id").asText();
            JsonNode v = created;
            long end = System.nanoTime() + 120_000_000_000L;
            while (!(v.path("status").asText().equals("in_progress") && v.path("progress").asInt() > 0) && System.nanoTime() < end) {
                assertFalse(v.path("status").asText().equals("completed"), "the video finished before the kill: " + v);
                Thread.sleep(100);
                v = json.readTree(first.send(http, "GET", "/v1/videos/" + id, null).body());
            }
            assertEquals("in_progress", v.path("status").asText(), () -> "never got under way");
            first.kill();
        } finally {
            first.close();
        }

        try (ServerProcess second = ServerProcess.start(data, null, "second", tmp.resolve("second.log"))) {
            JsonNode v = json.readTree(second.send(http, "GET", "/v1/videos/" + id, null).body());
            assertEquals(id, v.path("id").asText(), "the video survived the kill");
            long end = System.nanoTime() + 150_000_000_000L;
            while (v.path("status").asText().matches("queued|in_progress") && System.nanoTime() < end) {
                Thread.sleep(500);
                v = json.readTree(second.send(http, "GET", "/v1/videos/" + id, null).body());
            }
            String status = v.path("status").asText();
            System.out.println("after SIGKILL and restart the video is " + status + ": " + v.path("error"));
            assertTrue(status.equals("completed") || (status.equals("failed") && !v.path("error").path("message").asText().isEmpty()),
                    "after the restart the video completes or fails with a reason: " + v);
            if (status.equals("completed")) {
                assertEquals("second", v.path("strom").path("worker").asText(), "the restarted server made it");
                assertEquals(200, second.send(http, "GET", "/v1/videos/" + id + "/content", null).statusCode());
            }
        }
    }
}
