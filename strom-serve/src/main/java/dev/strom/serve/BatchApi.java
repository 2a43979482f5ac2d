package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Batch API for the Videos API: a JSONL file of POST /v1/videos requests becomes one video per line, run
 * on the same durable queue; create, retrieve, list and cancel. A batch belongs to the project of the key that made
 * it, as do its videos and its result files. See {@link BatchRunner} for how its videos share the queue.
 */
final class BatchApi {

    static final String ENDPOINT = "/v1/videos";
    private static final String WINDOW = "24h";
    private static final long WINDOW_SECONDS = 24 * 3600;
    // output_expires_after is accepted and has no effect: result files are kept until deleted
    private static final Set<String> CREATE = Set.of("input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after");

    private final ObjectMapper json;
    private final BatchStore batches;
    private final FileStore files;
    private final BatchRunner runner;
    private final RequestForm.Reader forms;

    BatchApi(BatchStore batches, FileStore files, BatchRunner runner, RequestForm.Reader forms) {
        this.json = forms.json();
        this.batches = batches;
        this.files = files;
        this.runner = runner;
        this.forms = forms;
    }

    void routes(Javalin app) {
        app.post("/v1/batches", this::create);
        app.get("/v1/batches", this::list);
        app.get("/v1/batches/{id}", ctx -> ctx.json(toApi(runner.advance(find(ctx)))));
        app.post("/v1/batches/{id}/cancel", ctx -> ctx.json(toApi(runner.cancel(find(ctx)))));
    }

    private void create(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, CREATE);
        String fileId = form.requiredText("input_file_id", 64);
        String endpoint = form.requiredText("endpoint", 64);
        if (!endpoint.equals(ENDPOINT)) {
            throw ApiError.unsupported("endpoint", "This server runs batches for " + ENDPOINT + " only, not '" + endpoint + "'.");
        }
        String window = form.requiredText("completion_window", 16);
        if (!window.equals(WINDOW)) {
            throw ApiError.invalid("completion_window", "completion_window must be \"" + WINDOW + "\".");
        }
        String metadata = metadata(form.raw("metadata"));
        String project = ApiKeys.project(ctx);
        StoredFile file = files.find(ObjectIds.FILE.parse(fileId), project).orElseThrow(() -> ObjectIds.FILE.notFound(fileId));
        if (!file.purpose().equals(StoredFile.BATCH)) {
            throw ApiError.invalid("input_file_id", "File " + fileId + " has purpose '" + file.purpose() + "'; a batch reads a file uploaded with purpose 'batch'.");
        }
        List<BatchInput.Request> requests = BatchInput.parse(json, new String(files.content(file), StandardCharsets.UTF_8), ENDPOINT);
        if (requests.isEmpty()) {
            throw ApiError.invalid("input_file_id", "File " + fileId + " holds no requests.");
        }
        if (requests.size() > BatchInput.MAX_REQUESTS) {
            throw ApiError.invalid("input_file_id", "A batch takes at most " + BatchInput.MAX_REQUESTS + " requests; file " + fileId
                    + " has " + requests.size() + ".");
        }
        long now = System.currentTimeMillis();
        // the lines are read and checked above, so the batch starts in progress (OpenAI passes through "validating")
        BatchRecord batch = new BatchRecord(ObjectIds.BATCH.random(), project, now, ENDPOINT, fileId, BatchRecord.IN_PROGRESS,
                requests.size(), null, null, now / 1000, now / 1000 + WINDOW_SECONDS, null, null, null, null, null, null, metadata);
        batches.insert(batch, requests);
        ctx.json(toApi(runner.advance(batch)));
    }

    /** OpenAI's metadata: at most 16 pairs, keys up to 64 characters, values strings up to 512. Kept as JSON text. */
    private String metadata(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            try {
                node = json.readTree(node.asText()); // multipart carries the object as JSON text
            } catch (IOException e) {
                node = null;
            }
        }
        if (node == null || !node.isObject() || node.size() > 16) {
            throw ApiError.invalid("metadata", "'metadata' must be an object of at most 16 string values.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > 64 || !e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw ApiError.invalid("metadata", "'metadata' keys are at most 64 characters and values strings of at most 512.");
            }
        }
        return node.toString();
    }

    private void list(Context ctx) {
        int limit = ListPage.queryInt(ctx, "limit", 20, 1, 100);
        String project = ApiKeys.project(ctx);
        BatchRecord after = null;
        if (ctx.queryParam("after") != null) {
            String id = ctx.queryParam("after");
            after = batches.find(ObjectIds.BATCH.parse(id), project)
                    .orElseThrow(() -> ApiError.invalid("after", "'after' must be the id of a listed batch"));
        }
        List<BatchRecord> page = batches.page(project, after, limit);
        ctx.json(ListPage.of(json, page, limit, this::toApi, BatchRecord::id));
    }

    /** OpenAI's batch object; while the batch runs, its counts come from its lines and videos. */
    private ObjectNode toApi(BatchRecord b) {
        ObjectNode o = json.createObjectNode();
        o.put("id", b.id());
        o.put("object", "batch");
        o.put("endpoint", b.endpoint());
        o.putNull("errors");
        o.put("input_file_id", b.inputFileId());
        o.put("completion_window", WINDOW);
        o.put("status", b.status());
        o.put("output_file_id", b.outputFileId());
        o.put("error_file_id", b.errorFileId());
        o.put("created_at", b.createdMillis() / 1000);
        o.put("in_progress_at", b.inProgressAt());
        o.put("expires_at", b.expiresAt());
        o.put("finalizing_at", b.finalizingAt());
        o.put("completed_at", b.completedAt());
        o.putNull("failed_at");
        o.putNull("expired_at");
        o.put("cancelling_at", b.cancellingAt());
        o.put("cancelled_at", b.cancelledAt());
        ObjectNode counts = o.putObject("request_counts");
        counts.put("total", b.total());
        if (b.completedCount() != null) {
            counts.put("completed", b.completedCount());
            counts.put("failed", b.failedCount());
        } else {
            BatchStore.Counts now = batches.counts(b.id());
            counts.put("completed", now.completed());
            counts.put("failed", now.failed());
        }
        if (b.metadata() == null) {
            o.putNull("metadata");
        } else {
            try {
                o.set("metadata", json.readTree(b.metadata()));
            } catch (IOException e) {
                o.putNull("metadata");
            }
        }
        return o;
    }

    /** The path's batch, if the request's project owns it: another project's is "not found", as if it did not exist. */
    private BatchRecord find(Context ctx) {
        String id = ObjectIds.BATCH.parse(ctx.pathParam("id"));
        return batches.find(id, ApiKeys.project(ctx)).orElseThrow(() -> ObjectIds.BATCH.notFound(id));
    }
}
