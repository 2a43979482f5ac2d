package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import dev.strom.media.PixelLimit;
import dev.strom.pipeline.ClassifyRequest;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.provenance.Verification;
import dev.strom.provenance.Verifier;
import dev.strom.media.ClipWriter;
import io.javalin.Javalin;
import io.javalin.http.Context;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Semaphore;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.Locale;

/**
 * Strom's additions to the Videos API: a progress stream (server-sent events, ending with the finished
 * clip's frames), exact bits/dim of an uploaded clip, which of several captions it was made from, and the model list.
 */
final class StromApi {

    private static final Set<String> SCORE = Set.of("file", "prompt");
    private static final Set<String> VERIFY = Set.of("file");
    private static final Set<String> CLASSIFY = Set.of("file", "captions", "frames", "given", "draws", "seed");
    private static final int MAX_CAPTIONS = 32;
    private static final int MAX_DRAWS = 16;
    private static final long POLL_MILLIS = 250;
    private static final long STREAM_LIMIT_MILLIS = 15 * 60 * 1000;
    private static final int FRAME_SCALE = 4;
    /** Event streams open at once; each holds a request thread for up to {@link #STREAM_LIMIT_MILLIS}. */
    static final int MAX_STREAMS = 32;

    private final ObjectMapper json;
    private final JobStore store;
    private final VideoFiles files;
    private final VideoPipeline pipeline;
    private final UploadCheck uploads;
    private final RequestForm.Reader forms;
    private final Path scratch;
    private final long modelCreated;
    private final ComputeGate compute;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);

    StromApi(JobStore store, VideoFiles files, VideoPipeline pipeline, RequestForm.Reader forms, ComputeGate compute,
             Path scratch, long modelCreated) {
        this.compute = compute;
        this.json = forms.json();
        this.forms = forms;
        this.store = store;
        this.files = files;
        this.pipeline = pipeline;
        this.uploads = forms.uploads();
        this.scratch = scratch;
        this.modelCreated = modelCreated;
    }

    void routes(Javalin app) {
        app.get("/v1/videos/{id}/events", this::events);
        app.post("/v1/scores", this::score);
        app.post("/v1/verifications", this::verify);
        app.post("/v1/classifications", this::classify);
        app.get("/v1/models", ctx -> {
            ObjectNode out = json.createObjectNode().put("object", "list");
            out.putArray("data").add(model());
            ctx.json(out);
        });
        app.get("/v1/models/{id}", ctx -> {
            if (!ctx.pathParam("id").equals(pipeline.apiId())) {
                throw new ApiError(404, "invalid_request_error", "model_not_found", "model",
                        "The model '" + ctx.pathParam("id") + "' does not exist; this server has " + pipeline.apiId() + ".");
            }
            ctx.json(model());
        });
    }

    /**
     * The model as OpenAI lists models, with what it can draw under "strom": its vocabulary's objects (each in its
     * colour), motions and backgrounds, example prompts, and how many words it knows.
     */
    private ObjectNode model() {
        ObjectNode m = json.createObjectNode().put("id", pipeline.apiId()).put("object", "model").put("created", modelCreated)
                .put("owned_by", "strom");
        ObjectNode s = m.putObject("strom");
        s.put("frames", pipeline.spec().frames()).put("fps", pipeline.spec().fps()).put("size", pipeline.spec().size());
        pipeline.vocabulary().ifPresent(v -> {
            ObjectNode doc = v.toJson();
            s.put("known_words", v.words().counts().size());
            if (doc.has("can_draw")) {
                s.set("can_draw", doc.get("can_draw"));
            }
            s.set("examples", doc.get("examples"));
        });
        return m;
    }

    /**
     * Progress events while the video is made, with a "draft" event for each frame as soon as the model has made
     * it, then one "frame" event per frame of the finished video (PNG, base64), then "done".
     */
    private void events(Context ctx) throws IOException, InterruptedException {
        VideoId id = VideoId.parse(ctx.pathParam("id"));
        VideoRecord video = store.find(id, ApiKeys.project(ctx)).orElseThrow(() -> ApiError.notFound(id.toString()));
        if (!streams.tryAcquire()) {
            throw ApiError.busy("Too many event streams are open (" + MAX_STREAMS + "); poll GET /v1/videos/{id} instead.", 5);
        }
        try {
            stream(ctx, id, video);
        } finally {
            streams.release();
        }
    }

    private void stream(Context ctx, VideoId id, VideoRecord video) throws IOException, InterruptedException {
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        long end = System.currentTimeMillis() + STREAM_LIMIT_MILLIS;
        String last = null;
        int drafted = 0;
        while (video != null && System.currentTimeMillis() < end) {
            String now = json.writeValueAsString(video.toApi(json));
            if (!now.equals(last)) {
                event(out, "progress", now);
                last = now;
            }
            for (byte[] png; (png = draft(id, drafted)) != null; drafted++) {
                event(out, "draft", json.createObjectNode().put("index", drafted).put("frames", video.frames())
                        .put("png", Base64.getEncoder().encodeToString(png)).toString());
            }
            if (!video.status().active()) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
            video = store.find(id).orElse(null);
        }
        if (video == null) {
            event(out, "deleted", json.createObjectNode().put("id", id.toString()).toString());
        } else if (video.status() == VideoStatus.COMPLETED) {
            Clip clip = MediaDecoder.decode(files.path(id, VideoFiles.Variant.VIDEO), MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
            // the drafts on disk go when the video is done; those this stream had not sent yet are the finished frames
            for (; drafted < clip.frames(); drafted++) {
                event(out, "draft", json.createObjectNode().put("index", drafted).put("frames", clip.frames())
                        .put("png", Base64.getEncoder().encodeToString(png(clip, drafted))).toString());
            }
            for (int t = 0; t < clip.frames(); t++) {
                event(out, "frame", json.createObjectNode().put("index", t).put("frames", clip.frames())
                        .put("png", Base64.getEncoder().encodeToString(png(clip, t))).toString());
            }
        }
        event(out, "done", "{}");
    }

    private static byte[] png(Clip clip, int t) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(ClipWriter.frame(clip, t, FRAME_SCALE), "png", png);
        return png.toByteArray();
    }

    /** A draft frame of a video in the making; null when there is none (yet, or any more: they go when it ends). */
    private byte[] draft(VideoId id, int index) throws IOException {
        try {
            return Files.readAllBytes(files.liveFrame(id, index));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Strom provenance of an uploaded file: its C2PA manifest (present, valid, signer) and the watermark. */
    private void verify(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, VERIFY);
        byte[] bytes = form.file("file");
        if (bytes == null) {
            throw ApiError.missing("file");
        }
        Verification v = readUpload(bytes, uploads.any("file", bytes), Verifier::verify,
                "'file' could not be read as an image or video.");
        ObjectNode out = json.valueToTree(v);
        out.remove("file");
        out.put("object", "verification");
        ctx.json(out);
    }

    /** What {@code reader} makes of an upload, from a scratch file named by its kind that is gone afterwards. */
    private <T> T readUpload(byte[] bytes, UploadCheck.Kind kind, UploadReader<T> reader, String unreadable)
            throws IOException {
        Files.createDirectories(scratch);
        Path tmp = Files.createTempFile(scratch, "upload-", "." + kind.name().toLowerCase(Locale.ROOT));
        try {
            Files.write(tmp, bytes); // a failure here is the server's disk: a server error, not the upload's fault
            try {
                return reader.read(tmp);
            } catch (PixelLimit.TooLarge e) {
                throw ApiError.invalid("file", "'file' is " + e.size() + ".");
            } catch (IOException | RuntimeException e) {
                if (e instanceof ApiError a) {
                    throw a;
                }
                throw ApiError.invalid("file", unreadable);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @FunctionalInterface
    private interface UploadReader<T> {
        T read(Path file) throws IOException;
    }

    private void score(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, SCORE);
        byte[] bytes = form.file("file");
        if (bytes == null) {
            throw ApiError.missing("file");
        }
        String prompt = form.text("prompt", ServeConfig.MAX_PROMPT_CHARS);
        ctx.json(json.valueToTree(compute.run(() -> pipeline.score(modelView(bytes), prompt))));
    }

    /**
     * Which of the given captions the uploaded clip was made from, read off the exact likelihood (as
     * {@code strom classify}): the captions by probability, highest first.
     */
    private void classify(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, CLASSIFY);
        byte[] bytes = form.file("file");
        if (bytes == null) {
            throw ApiError.missing("file");
        }
        List<String> captions = form.texts("captions", MAX_CAPTIONS, ServeConfig.MAX_PROMPT_CHARS);
        if (captions == null) {
            throw ApiError.missing("captions");
        }
        if (captions.size() < 2) {
            throw ApiError.invalid("captions", "'captions' must hold at least two captions to choose between.");
        }
        Long frames = form.integer("frames", 1, pipeline.spec().frames());
        Long given = form.integer("given", 0, pipeline.spec().frames() - 1);
        Long draws = form.integer("draws", 1, MAX_DRAWS);
        Long seed = form.integer("seed", 0, Long.MAX_VALUE);
        ctx.json(json.valueToTree(compute.run(() -> {
            MediaDecoder.Media view = modelView(bytes);
            int read = pipeline.framesRead(view.clip(), frames == null ? null : frames.intValue());
            int g = given == null ? 0 : given.intValue();
            if (g >= read) {
                throw ApiError.invalid("given", "'given' leaves nothing to read: " + g + " of the " + read + " frames read.");
            }
            ClassifyRequest request = new ClassifyRequest(captions, frames == null ? null : frames.intValue(), g,
                    draws == null ? ClassifyRequest.DEFAULT_DRAWS : draws.intValue(), seed == null ? 0 : seed);
            return pipeline.classify(view, request);
        })));
    }

    /** An uploaded video as the model reads it (its size and fps, centre crop), decoded once. */
    private MediaDecoder.Media modelView(byte[] bytes) throws IOException {
        UploadCheck.Kind kind = uploads.video("file", bytes);
        return readUpload(bytes, kind, pipeline::read, "'file' could not be decoded as a video.");
    }
}
