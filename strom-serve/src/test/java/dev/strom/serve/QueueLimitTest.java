package dev.strom.serve;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that takes one video at a time: the next one gets 429 until the first is cancelled. */
class QueueLimitTest {

    static Path data;
    static StromServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("strom-queue-test");
        server = StromServer.start(TestServer.config(data, 0, null, "queue-test", 1));
        http = new Http("http://localhost:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        TestServer.deleteTree(data);
    }

    @Test
    void aFullQueueAnswers429AndCancellingMakesRoom() throws Exception {
        Http.Reply first = http.json("POST", "/v1/videos", "{\"prompt\": \"a red apple\", \"seconds\": 8}");
        assertEquals(200, first.status());
        String id = first.body().path("id").asText();

        Http.Reply refused = http.json("POST", "/v1/videos", "{\"prompt\": \"a blue ball\"}");
        assertEquals(429, refused.status());
        assertEquals("rate_limit_exceeded", refused.body().path("error").path("code").asText());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "a 429 says when to retry");

        Http.Reply cancelled = http.json("POST", "/v1/videos/" + id + "/cancel", null);
        assertEquals(200, cancelled.status());
        assertEquals("failed", cancelled.body().path("status").asText());
        assertEquals("cancelled", cancelled.body().path("error").path("code").asText());
        assertEquals(400, http.json("POST", "/v1/videos/" + id + "/cancel", null).status(), "only once");

        Http.Reply next = http.json("POST", "/v1/videos", "{\"prompt\": \"a blue ball\"}");
        assertEquals(200, next.status(), "the cancelled video no longer counts against the queue");
        assertEquals(200, http.json("DELETE", "/v1/videos/" + next.body().path("id").asText(), null).status());
        assertEquals("failed", http.json("GET", "/v1/videos/" + id, null).body().path("status").asText(),
                "a cancelled video stays cancelled");
    }
}
