package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.videos.VideoDownloadContentParams;
import dev.strom.media.MediaDecoder;
import dev.strom.provenance.Verification;
import dev.strom.provenance.Verifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A team's batch code, written for OpenAI's Files and Batch APIs with the official client, runs unchanged against the server. */
class BatchApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static OpenAIClient client;
    static OpenAIClient bob;

    @BeforeAll
    static void connect() throws IOException {
        client = OpenAIOkHttpClient.builder().apiKey(TestServer.KEY).baseUrl(TestServer.baseUrl() + "/v1").maxRetries(0).build();
        bob = OpenAIOkHttpClient.builder().apiKey(TestServer.BOB).baseUrl(TestServer.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
        bob.close();
    }

    static String line(String customId, String prompt, int seed) {
        return "{\"custom_id\": \"" + customId + "\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {\"prompt\": \""
                + prompt + "\", \"seconds\": \"1\", \"seed\": " + seed + "}}\n";
    }

    static FileObject upload(OpenAIClient as, Path dir, String jsonl) throws IOException {
        Path file = dir.resolve("videos.jsonl");
        Files.writeString(file, jsonl);
        return as.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.BATCH).build());
    }

    static BatchCreateParams batchOf(String fileId) {
        return BatchCreateParams.builder().inputFileId(fileId).endpoint(BatchCreateParams.Endpoint.V1_VIDEOS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build();
    }

    static Batch waitUntilEnded(OpenAIClient as, String id) throws InterruptedException {
        long end = System.nanoTime() + 900_000_000_000L;
        while (System.nanoTime() < end) {
            Batch b = as.batches().retrieve(id);
            if (b.status().equals(Batch.Status.COMPLETED) || b.status().equals(Batch.Status.CANCELLED)
                    || b.status().equals(Batch.Status.FAILED)) {
                return b;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("batch " + id + " did not end");
    }

    static List<JsonNode> jsonl(OpenAIClient as, String fileId) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (HttpResponse res = as.files().content(fileId); InputStream in = res.body()) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }

    @Test
    void sixRequestsWithOneMalformedGiveFiveVerifiedVideosAndOneErrorLine(@TempDir Path tmp) throws Exception {
        StringBuilder jsonl = new StringBuilder();
        String[] prompts = {"a red apple moving left on a blue background", "a green ball moving right on a black background",
                "a yellow star moving up on a green background", "a white square moving down on a red background",
                "a blue circle spinning on a white background"};
        for (int i = 0; i < 3; i++) {
            jsonl.append(line("clip-" + (i + 1), prompts[i], i + 1));
        }
        jsonl.append("{\"custom_id\": \"broken\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": \"a red apple\"}\n");
        for (int i = 3; i < 5; i++) {
            jsonl.append(line("clip-" + (i + 1), prompts[i], i + 1));
        }
        FileObject input = upload(client, tmp, jsonl.toString());
        assertEquals("file", input._object_().asString().orElseThrow());
        assertTrue(input.id().startsWith("file-"), input.id());
        assertEquals(FileObject.Purpose.BATCH, input.purpose());
        assertEquals("videos.jsonl", input.filename());
        assertEquals(jsonl.toString().getBytes(StandardCharsets.UTF_8).length, input.bytes());
        assertEquals(input.id(), client.files().retrieve(input.id()).id());

        Batch created = client.batches().create(BatchCreateParams.builder().inputFileId(input.id())
                .endpoint(BatchCreateParams.Endpoint.V1_VIDEOS).completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(BatchCreateParams.Metadata.builder().putAdditionalProperty("team", JsonValue.from("ads")).build()).build());
        assertTrue(created.id().startsWith("batch_"), created.id());
        assertEquals("/v1/videos", created.endpoint());
        assertEquals(Batch.Status.IN_PROGRESS, created.status());
        assertEquals(6, created.requestCounts().orElseThrow().total());
        assertEquals("ads", created.metadata().orElseThrow()._additionalProperties().get("team").asString().orElseThrow());

        Batch done = waitUntilEnded(client, created.id());
        assertEquals(Batch.Status.COMPLETED, done.status());
        assertEquals(6, done.requestCounts().orElseThrow().total());
        assertEquals(5, done.requestCounts().orElseThrow().completed());
        assertEquals(1, done.requestCounts().orElseThrow().failed());
        assertTrue(done.completedAt().isPresent() && done.finalizingAt().isPresent());

        List<JsonNode> output = jsonl(client, done.outputFileId().orElseThrow());
        assertEquals(5, output.size(), output::toString);
        Map<String, JsonNode> byCustomId = new HashMap<>();
        output.forEach(o -> byCustomId.put(o.path("custom_id").asText(), o));
        for (int i = 1; i <= 5; i++) {
            JsonNode o = byCustomId.get("clip-" + i);
            assertNotNull(o, "clip-" + i + " is in the output: " + output);
            assertTrue(o.path("id").asText().startsWith("batch_req_"), o::toString);
            assertTrue(o.path("error").isNull(), o::toString);
            assertEquals(200, o.path("response").path("status_code").asInt(), o::toString);
            JsonNode video = o.path("response").path("body");
            assertEquals("completed", video.path("status").asText(), o::toString);
            assertEquals(prompts[i - 1], video.path("prompt").asText());
            assertEquals(i, video.path("strom").path("seed").asLong(), "the line's own seed");
            Path mp4 = tmp.resolve("clip-" + i + ".mp4");
            try (HttpResponse res = client.videos().downloadContent(VideoDownloadContentParams.builder()
                    .videoId(video.path("id").asText()).build()); InputStream in = res.body()) {
                Files.copy(in, mp4);
            }
            MediaDecoder.Media decoded = MediaDecoder.decode(mp4, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
            assertEquals(8, decoded.clip().frames(), "1 s at the model's 8 fps");
            Verification verified = Verifier.verify(mp4);
            assertTrue(verified.provenance(), () -> "clip-" + mp4 + " verifies: " + verified.reason());
        }

        List<JsonNode> errors = jsonl(client, done.errorFileId().orElseThrow());
        assertEquals(1, errors.size(), errors::toString);
        JsonNode broken = errors.get(0);
        assertEquals("broken", broken.path("custom_id").asText());
        assertTrue(broken.path("response").isNull(), broken::toString);
        assertEquals("invalid_request", broken.path("error").path("code").asText(), broken::toString);
        assertTrue(broken.path("error").path("message").asText().contains("'body' must be a JSON object"), broken::toString);

        assertTrue(client.batches().list(BatchListParams.builder().limit(100).build()).data().stream()
                .anyMatch(b -> b.id().equals(done.id())));
        List<String> outputs = new ArrayList<>();
        client.files().list(FileListParams.builder().purpose("batch_output").build()).data().forEach(f -> outputs.add(f.id()));
        assertTrue(outputs.contains(done.outputFileId().orElseThrow()) && outputs.contains(done.errorFileId().orElseThrow()), outputs::toString);

        // another project's key finds none of it
        assertThrows(NotFoundException.class, () -> bob.batches().retrieve(done.id()));
        assertThrows(NotFoundException.class, () -> bob.batches().cancel(done.id()));
        assertThrows(NotFoundException.class, () -> bob.files().retrieve(input.id()));
        assertThrows(NotFoundException.class, () -> bob.files().retrieve(done.outputFileId().orElseThrow()));
        assertThrows(NotFoundException.class, () -> bob.files().content(done.outputFileId().orElseThrow()).close());
        assertThrows(NotFoundException.class, () -> bob.files().delete(input.id()));
        assertThrows(NotFoundException.class, () -> bob.batches().create(batchOf(input.id())));
        assertFalse(bob.batches().list().data().stream().anyMatch(b -> b.id().equals(done.id())));
        assertFalse(bob.files().list().data().stream().anyMatch(f -> f.id().equals(input.id())));

        assertTrue(client.files().delete(input.id()).deleted());
        assertThrows(NotFoundException.class, () -> client.files().retrieve(input.id()));
    }

    @Test
    void filesAndBatchesTheServerCannotRunAreRefusedWithTheParameterNamed(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("tune.jsonl");
        Files.writeString(file, line("a", "a red apple", 1));
        BadRequestException purpose = assertThrows(BadRequestException.class, () -> client.files().create(
                FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build()));
        assertEquals("purpose", purpose.param().orElseThrow());

        Path binary = tmp.resolve("binary.jsonl");
        Files.write(binary, new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1});
        BadRequestException notText = assertThrows(BadRequestException.class, () -> client.files().create(
                FileCreateParams.builder().file(binary).purpose(FilePurpose.BATCH).build()));
        assertEquals("file", notText.param().orElseThrow());

        FileObject input = upload(client, tmp, line("a", "a red apple", 1));
        BadRequestException chat = assertThrows(BadRequestException.class, () -> client.batches().create(
                BatchCreateParams.builder().inputFileId(input.id()).endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H).build()));
        assertEquals("endpoint", chat.param().orElseThrow());
        assertThrows(NotFoundException.class, () -> client.batches().create(batchOf("file-00000000000000000000000000000000")));
        assertThrows(NotFoundException.class, () -> client.batches().retrieve("batch_00000000000000000000000000000000"));
        client.files().delete(input.id());
    }

    @Test
    void aLineTheVideosApiRefusesIsInTheErrorFileAnsweredAsTheRequestWouldHaveBeen(@TempDir Path tmp) throws Exception {
        String jsonl = "{\"custom_id\": \"no-prompt\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {\"seconds\": \"1\"}}\n"
                + "{\"custom_id\": \"typo\", \"method\": \"POST\", \"url\": \"/v1/videos\", \"body\": {\"prompt\": \"a red apple\", \"secnds\": \"1\"}}\n";
        Batch done = waitUntilEnded(client, client.batches().create(batchOf(upload(client, tmp, jsonl).id())).id());
        assertEquals(Batch.Status.COMPLETED, done.status());
        assertEquals(0, done.requestCounts().orElseThrow().completed());
        assertEquals(2, done.requestCounts().orElseThrow().failed());
        assertTrue(done.outputFileId().isEmpty(), "no output file when nothing completed, as at OpenAI");
        Map<String, JsonNode> errors = new HashMap<>();
        jsonl(client, done.errorFileId().orElseThrow()).forEach(e -> errors.put(e.path("custom_id").asText(), e));
        JsonNode noPrompt = errors.get("no-prompt").path("response");
        assertEquals(400, noPrompt.path("status_code").asInt(), errors::toString);
        assertEquals("prompt", noPrompt.path("body").path("error").path("param").asText(), errors::toString);
        assertEquals("missing_required_parameter", errors.get("no-prompt").path("error").path("code").asText());
        assertEquals("unknown_parameter", errors.get("typo").path("error").path("code").asText(), errors::toString);
        assertEquals("secnds", errors.get("typo").path("response").path("body").path("error").path("param").asText());
    }

    @Test
    void aCancelledBatchEndsCancelledWithoutRunningItsWaitingLines(@TempDir Path tmp) throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            jsonl.append(line("c-" + i, "a red apple moving left on a blue background", 100 + i));
        }
        Batch created = client.batches().create(batchOf(upload(client, tmp, jsonl.toString()).id()));
        Batch cancelling = client.batches().cancel(created.id());
        assertTrue(cancelling.status().equals(Batch.Status.CANCELLING) || cancelling.status().equals(Batch.Status.CANCELLED),
                cancelling.status()::toString);
        assertTrue(cancelling.cancellingAt().isPresent());
        Batch done = waitUntilEnded(client, created.id());
        assertEquals(Batch.Status.CANCELLED, done.status());
        assertTrue(done.cancelledAt().isPresent());
        long ran = done.requestCounts().orElseThrow().completed() + done.requestCounts().orElseThrow().failed();
        // at most the half queue's worth of lines had gone in; the rest never became videos
        assertTrue(ran <= 4, "only lines already queued count: " + done.requestCounts());
        assertThrows(BadRequestException.class, () -> client.batches().cancel(created.id()));
    }
}
