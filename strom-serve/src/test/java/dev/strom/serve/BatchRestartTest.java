package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.batches.Batch;
import com.openai.models.videos.Video;
import com.openai.models.videos.VideoCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch lives in the database, not in a process: one larger than the queue runs on after its server is stopped and started again. */
class BatchRestartTest {

    private static OpenAIClient client(StromServer server) {
        return OpenAIOkHttpClient.builder().apiKey(TestServer.KEY).baseUrl("http://localhost:" + server.port() + "/v1").maxRetries(0).build();
    }

    @Test
    void aBatchLargerThanTheQueueLeavesInteractiveRoomAndCompletesAfterARestart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        StringBuilder jsonl = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            jsonl.append(BatchApiTest.line("r-" + i, "a green ball moving right on a black background", 40 + i));
        }
        String batchId;
        // a queue of 2: the batch's videos take at most 1 place, its other lines wait in the database
        try (StromServer first = StromServer.start(TestServer.config(data, 0, null, "first", 2))) {
            OpenAIClient client = client(first);
            try {
                batchId = client.batches().create(BatchApiTest.batchOf(BatchApiTest.upload(client, tmp, jsonl.toString()).id())).id();
                Video interactive = client.videos().create(VideoCreateParams.builder().prompt("a red apple").seconds(com.openai.models.videos.VideoSeconds.of("1")).build());
                assertEquals(Video.Status.QUEUED, interactive.status(), "an interactive request still gets in beside the batch");
                Batch running = client.batches().retrieve(batchId);
                assertEquals(Batch.Status.IN_PROGRESS, running.status());
            } finally {
                client.close();
            }
        }
        try (StromServer second = StromServer.start(TestServer.config(data, 0, null, "second", 2))) {
            OpenAIClient client = client(second);
            try {
                Batch done = BatchApiTest.waitUntilEnded(client, batchId);
                assertEquals(Batch.Status.COMPLETED, done.status());
                assertEquals(3, done.requestCounts().orElseThrow().completed(), done.requestCounts()::toString);
                assertEquals(0, done.requestCounts().orElseThrow().failed());
                List<JsonNode> output = BatchApiTest.jsonl(client, done.outputFileId().orElseThrow());
                assertEquals(3, output.size());
                assertTrue(output.stream().anyMatch(o -> o.path("response").path("body").path("strom").path("worker").asText().equals("second")),
                        "the restarted server made what was left: " + output);
            } finally {
                client.close();
            }
        }
    }
}
