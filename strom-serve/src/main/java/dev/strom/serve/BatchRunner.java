package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Moves batches along: a batch's waiting lines become ordinary videos on the durable queue as room frees up, and a
 * batch whose lines have all ended gets its output and error files and ends. Everything it knows is in the database,
 * so any server process sharing it can do this for any batch, and a restart loses nothing; every step is a
 * conditional update, so processes doing it at once do not repeat each other's work.
 *
 * <p>Batch videos go into the queue only while it is less than half full (at least one at a time): a batch never
 * fills the queue against interactive requests, and never gets 429 itself; its other lines wait in the database,
 * outside the queue limit. Each process looks at every running batch every {@link #TICK_SECONDS} seconds, and
 * whenever a batch is retrieved.
 */
final class BatchRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
    static final int TICK_SECONDS = 2;

    /** Makes a line's video, as POST /v1/videos would (see {@link VideoApi#create(RequestForm, String, VideoId)}). */
    @FunctionalInterface
    interface VideoMaker {
        VideoRecord create(RequestForm form, String project, VideoId id) throws IOException;
    }

    private final ObjectMapper json;
    private final BatchStore batches;
    private final FileStore files;
    private final JobStore videos;
    private final VideoQueue queue;
    private final VideoMaker maker;
    private final int admitBelow;
    private final ScheduledExecutorService ticker;

    BatchRunner(ObjectMapper json, BatchStore batches, FileStore files, JobStore videos, VideoQueue queue, VideoMaker maker,
                int queueLimit) {
        this.json = json;
        this.batches = batches;
        this.files = files;
        this.videos = videos;
        this.queue = queue;
        this.maker = maker;
        this.admitBelow = Math.max(1, queueLimit - queueLimit / 2);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strom-batches");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        ticker.scheduleWithFixedDelay(this::tick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            for (BatchRecord b : batches.running()) {
                advance(b);
            }
        } catch (RuntimeException e) {
            // the next tick tries again; a scheduled task that throws would never run again
            LOG.warn("advancing batches failed: {}", e.toString());
        }
    }

    /** Queues what fits of a running batch and ends it once all its lines have ended; returns it as it now stands. */
    synchronized BatchRecord advance(BatchRecord b) {
        if (!b.running()) {
            return b;
        }
        if (BatchRecord.IN_PROGRESS.equals(b.status())) {
            admit(b);
        }
        BatchStore.Counts counts = batches.counts(b.id());
        if (counts.pending() == 0 && counts.active() == 0) {
            try {
                finish(b);
            } catch (IOException e) {
                LOG.warn("batch {} could not be finished yet: {}", b.id(), e.toString());
            }
        }
        return reread(b);
    }

    /**
     * Cancels a batch: lines not yet queued will not run, its queued videos are cancelled, and videos already being
     * made finish; the batch then ends "cancelled", with files for what finished.
     */
    synchronized BatchRecord cancel(BatchRecord b) {
        if (!b.running()) {
            throw ApiError.invalid(null, "Batch " + b.id() + " has already " + b.status() + "; only a batch in progress can be cancelled.");
        }
        batches.cancel(b.id());
        stopQueued(b.id());
        return advance(reread(b));
    }

    private void stopQueued(String batchId) {
        for (String id : batches.queuedVideos(batchId)) {
            try {
                queue.cancel(VideoId.parse(id));
            } catch (ApiError e) {
                // it started or ended meanwhile: it finishes as it is
            }
        }
    }

    private BatchRecord reread(BatchRecord b) {
        return batches.find(b.id(), b.project()).orElse(b);
    }

    private void admit(BatchRecord b) {
        int room = admitBelow - videos.countActive();
        if (room <= 0) {
            return;
        }
        for (BatchStore.Line line : batches.pending(b.id(), room)) {
            VideoId id = VideoId.random();
            if (!batches.claim(b.id(), line.line(), id.toString())) {
                continue;
            }
            try {
                maker.create(RequestForm.fromJson(json, line.body().getBytes(StandardCharsets.UTF_8), VideoApi.CREATE), b.project(), id);
            } catch (ApiError e) {
                if (e.status() == 429) {
                    batches.release(b.id(), line.line());
                    return;
                }
                batches.refuse(b.id(), line.line(), e.status(), e.code(), e.getMessage(), e.body(json).toString());
            } catch (IOException | RuntimeException e) {
                LOG.error("batch {} line {}: the video could not be made", b.id(), line.line(), e);
                ApiError error = new ApiError(500, "server_error", "server_error", null, "The server had an error while making this video.");
                batches.refuse(b.id(), line.line(), 500, error.code(), error.getMessage(), error.body(json).toString());
            }
        }
        // a cancel that came between a claim and its video would have missed the video: stop it now
        if (!BatchRecord.IN_PROGRESS.equals(reread(b).status())) {
            stopQueued(b.id());
        }
    }

    /** Writes the output file (completed videos) and the error file (everything that failed), then ends the batch. */
    private void finish(BatchRecord b) throws IOException {
        StringBuilder output = new StringBuilder();
        StringBuilder errors = new StringBuilder();
        int completed = 0;
        int failed = 0;
        for (BatchStore.Line line : batches.lines(b.id())) {
            ObjectNode out = json.createObjectNode();
            out.put("id", "batch_req_" + ObjectIds.hex(java.util.UUID.nameUUIDFromBytes((b.id() + "/" + line.line()).getBytes(StandardCharsets.UTF_8))));
            out.put("custom_id", line.customId());
            switch (line.state()) {
                case BatchStore.PENDING -> {
                    return; // a line got back in line meanwhile: not done after all
                }
                case BatchStore.CANCELLED -> {
                    continue; // never ran: in neither file nor count
                }
                case BatchStore.FAILED -> {
                    if (line.errorStatus() == null) {
                        out.putNull("response");
                    } else {
                        response(out, b, line, line.errorStatus(), json.readTree(line.errorBody()));
                    }
                    error(out, line.errorCode(), line.errorMessage());
                    errors.append(json.writeValueAsString(out)).append('\n');
                    failed++;
                }
                default -> {
                    Optional<VideoRecord> video = videos.find(VideoId.parse(line.videoId()));
                    if (video.isPresent() && video.get().status().active()) {
                        return; // still being made
                    }
                    if (video.isPresent() && video.get().status() == VideoStatus.COMPLETED) {
                        response(out, b, line, 200, video.get().toApi(json));
                        out.putNull("error");
                        output.append(json.writeValueAsString(out)).append('\n');
                        completed++;
                    } else {
                        out.putNull("response");
                        if (video.isEmpty()) {
                            // deleted by the client, or never stored: a server stopped between claiming the line and queueing it
                            error(out, "video_deleted", "Video " + line.videoId() + " is gone: it was deleted before the batch ended, "
                                    + "or a server stopped while queueing it.");
                        } else {
                            error(out, video.get().errorCode(), "Video " + line.videoId() + " failed: " + video.get().errorMessage());
                        }
                        errors.append(json.writeValueAsString(out)).append('\n');
                        failed++;
                    }
                }
            }
        }
        String outputId = output.isEmpty() ? null : save(b, "output", output);
        String errorId = errors.isEmpty() ? null : save(b, "errors", errors);
        batches.finish(b, outputId, errorId, completed, failed);
    }

    private void response(ObjectNode out, BatchRecord b, BatchStore.Line line, int status, JsonNode body) {
        ObjectNode response = out.putObject("response");
        response.put("status_code", status);
        response.put("request_id", "req_" + ObjectIds.hex(java.util.UUID.nameUUIDFromBytes(
                (b.id() + "/" + line.line() + "/request").getBytes(StandardCharsets.UTF_8))));
        response.set("body", body);
    }

    private static void error(ObjectNode out, String code, String message) {
        out.putObject("error").put("code", code).put("message", message);
    }

    /** A result file under an id derived from the batch, so writing it again (another worker, a retry) makes no copy. */
    private String save(BatchRecord b, String kind, StringBuilder lines) throws IOException {
        return files.save(ObjectIds.FILE.derived(b.id() + "/" + kind), b.project(), b.id() + "_" + kind + ".jsonl",
                StoredFile.BATCH_OUTPUT, lines.toString().getBytes(StandardCharsets.UTF_8)).id();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
