package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import dev.strom.media.PixelLimit;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.Locale;

/** The OpenAI Videos API: create, retrieve, list, delete, download content, remix, extend, edit; and cancel. */
final class VideoApi {

    static final Set<String> CREATE = Set.of("prompt", "model", "seconds", "size", "input_reference", "seed", "guidance",
            "strict");
    private static final Set<String> REMIX = Set.of("prompt", "strict");
    private static final Set<String> EXTEND = Set.of("prompt", "video", "seconds", "strict");
    private static final Set<String> EDIT = Set.of("prompt", "video", "strict");

    private final ObjectMapper json;
    private final JobStore store;
    private final VideoQueue queue;
    private final VideoFiles files;
    private final VideoPipeline pipeline;
    private final UploadCheck uploads;
    private final RequestForm.Reader forms;

    VideoApi(JobStore store, VideoQueue queue, VideoFiles files, VideoPipeline pipeline, RequestForm.Reader forms) {
        this.json = forms.json();
        this.forms = forms;
        this.store = store;
        this.queue = queue;
        this.files = files;
        this.pipeline = pipeline;
        this.uploads = forms.uploads();
    }

    void routes(Javalin app) {
        app.post("/v1/videos", this::create);
        app.get("/v1/videos", this::list);
        app.post("/v1/videos/extensions", ctx -> fromVideo(ctx, Mode.EXTEND, EXTEND));
        app.post("/v1/videos/edits", ctx -> fromVideo(ctx, Mode.EDIT, EDIT));
        app.get("/v1/videos/{id}", ctx -> ctx.json(find(ctx).toApi(json)));
        app.delete("/v1/videos/{id}", this::delete);
        app.get("/v1/videos/{id}/content", this::content);
        app.post("/v1/videos/{id}/remix", this::remix);
        app.post("/v1/videos/{id}/cancel", ctx -> {
            queue.cancel(find(ctx).id());
            ctx.json(find(ctx).toApi(json));
        });
    }

    private void create(Context ctx) throws IOException {
        RequestForm form = forms.read(ctx, CREATE);
        ctx.json(create(form, ApiKeys.project(ctx), VideoId.random()).toApi(json));
    }

    /**
     * Checks a create request's fields and queues its video as {@code id} in {@code project}: the one path for
     * POST /v1/videos and each line of a batch, so both accept and refuse exactly the same requests.
     */
    VideoRecord create(RequestForm form, String project, VideoId id) throws IOException {
        String prompt = form.requiredText("prompt", ServeConfig.MAX_PROMPT_CHARS);
        List<String> notes = new ArrayList<>(wordNotes(form, prompt));
        String model = form.text("model", 64);
        if (model != null && !model.equals(pipeline.apiId())) {
            if (!model.startsWith("sora-")) {
                throw ApiError.invalid("model", "Unknown model '" + model + "'; this server has " + pipeline.apiId() + ".");
            }
            notes.add("requested model " + model + ", made by " + pipeline.apiId());
        }
        String size = form.text("size", 32);
        String seconds = form.wholeText("seconds");
        Long seed = form.integer("seed", 0, Long.MAX_VALUE);
        Double guidance = form.number("guidance", 0, 20);
        byte[] still = form.has("input_reference") ? form.file("input_reference") : null;
        UploadCheck.Kind stillKind = form.has("input_reference") ? checkImage(still) : null;
        OutputShape shape = OutputShape.fit(pipeline.spec(), size, seconds);
        notes.addAll(shape.notes());
        String reference = null;
        if (still != null) {
            reference = files.saveReference(id, still, stillKind);
            // read now as the job will use it, so a still that does not decode is refused here
            keepSource(id, Mode.IMAGE, files.reference(id, reference), "input_reference",
                    "input_reference is not a readable image.", null);
            notes.add("input_reference is frame 0, centre-cropped to " + pipeline.spec().size() + "x" + pipeline.spec().size());
        }
        VideoRecord video = new VideoRecord(id, project, System.currentTimeMillis(), null, VideoStatus.QUEUED, 0,
                pipeline.apiId(), prompt, seed != null ? seed : VideoRequest.randomSeed(),
                guidance != null ? guidance.floatValue() : pipeline.defaults().guidance(), shape.frames(), shape.fps(),
                shape.scale(), shape.nativeSize(), still != null ? Mode.IMAGE : Mode.TEXT, reference, null, size, seconds,
                notes, null, null, null, null);
        submit(video);
        return video;
    }

    /** Queues a video; an upload kept for it goes again when the queue refuses it. */
    private void submit(VideoRecord video) throws IOException {
        try {
            queue.submit(video);
        } catch (RuntimeException e) {
            files.delete(video.id());
            throw e;
        }
    }

    /**
     * A remix remakes a completed video under a new prompt from the video's own noise (see
     * {@code Sampler}): what the prompts share, placement and motion, stays. It keeps the source's seed, guidance
     * and shape, and reads the source under the prompt it was made with (its title).
     */
    private void remix(Context ctx) throws IOException {
        VideoRecord source = find(ctx);
        RequestForm form = forms.read(ctx, REMIX);
        String prompt = form.requiredText("prompt", ServeConfig.MAX_PROMPT_CHARS);
        List<String> notes = new ArrayList<>(wordNotes(form, prompt));
        source.notes().stream().filter(n -> !n.startsWith(VideoRecord.UNKNOWN_WORDS)).forEach(notes::add);
        if (source.status() != VideoStatus.COMPLETED) {
            throw ApiError.invalid(null, "Video " + source.id() + " is " + source.status().wire() + "; only completed videos can be remixed.");
        }
        VideoId id = VideoId.random();
        Path made = files.path(source.id(), VideoFiles.Variant.VIDEO);
        keepSource(id, Mode.REMIX, made, null, "Video " + source.id() + " could not be read.",
                file -> Objects.requireNonNullElse(MediaDecoder.title(file), ""));
        VideoRecord video = new VideoRecord(id, source.project(), System.currentTimeMillis(), null, VideoStatus.QUEUED, 0,
                source.model(), prompt, source.seed(), source.guidance(), source.frames(), source.fps(), source.scale(),
                source.nativeSize(), Mode.REMIX, source.id().toString(), source.id().toString(), source.requestedSize(),
                source.requestedSeconds(), notes, null, null, null, null);
        submit(video);
        ctx.json(video.toApi(json));
    }

    /** What a remix reads its source under, from the source file. */
    @FunctionalInterface
    private interface Caption {
        String of(Path file) throws IOException;
    }

    /**
     * Reads a video's source as the model will (the one decode it gets) and keeps it for the job; a file that does
     * not decode is refused with {@code unreadable} against {@code param}, and the video's folder goes.
     */
    private Clip keepSource(VideoId id, Mode mode, Path file, String param, String unreadable, Caption caption)
            throws IOException {
        Clip clip;
        String read;
        try {
            clip = pipeline.source(mode, file);
            read = caption == null ? null : caption.of(file);
        } catch (PixelLimit.TooLarge e) {
            files.delete(id);
            throw ApiError.invalid(param, (param == null ? "The source" : "'" + param + "'") + " is " + e.size() + ".");
        } catch (IOException | RuntimeException e) {
            files.delete(id);
            throw ApiError.invalid(param, unreadable);
        }
        files.saveSource(id, clip, read);
        return clip;
    }

    /**
     * Extend and edit: the source is an uploaded clip or a completed video ({"id": ...}); it is read at the model's
     * size and fps now, so a clip that does not decode is refused here rather than failing later.
     */
    private void fromVideo(Context ctx, Mode mode, Set<String> fields) throws IOException {
        RequestForm form = forms.read(ctx, fields);
        String prompt = form.requiredText("prompt", ServeConfig.MAX_PROMPT_CHARS);
        List<String> wordNotes = wordNotes(form, prompt);
        String seconds = fields.contains("seconds") ? form.wholeText("seconds") : null;
        OutputShape shape = OutputShape.fit(pipeline.spec(), null, seconds);
        VideoId id = VideoId.random();
        String reference;
        Path source;
        byte[] upload = form.file("video");
        if (upload != null) {
            reference = files.saveReference(id, upload, uploads.video("video", upload));
            source = files.reference(id, reference);
        } else {
            JsonNode ref = form.raw("video");
            if (ref == null) {
                throw ApiError.missing("video");
            }
            String sourceId = ref.isObject() ? ref.path("id").asText(null) : ref.isTextual() ? referencedId(ref.asText()) : null;
            if (sourceId == null) {
                throw ApiError.invalid("video", "'video' must be an uploaded video or {\"id\": \"video_...\"}.");
            }
            VideoRecord parent = store.find(VideoId.parse(sourceId), ApiKeys.project(ctx)).orElseThrow(() -> ApiError.notFound(sourceId));
            if (parent.status() != VideoStatus.COMPLETED) {
                throw ApiError.invalid("video", "Video " + parent.id() + " is " + parent.status().wire() + "; only completed videos can be used.");
            }
            reference = parent.id().toString();
            source = files.path(parent.id(), VideoFiles.Variant.VIDEO);
        }
        int sourceFrames = keepSource(id, mode, source, "video", "'video' could not be decoded as a video.", null).frames();
        int limit = (int) Math.round(OutputShape.MAX_SECONDS * pipeline.spec().fps());
        if (sourceFrames > limit) {
            files.delete(id);
            throw ApiError.invalid("video", "'video' is longer than " + OutputShape.MAX_SECONDS + " seconds at the model's "
                    + pipeline.spec().fps() + " fps.");
        }
        List<String> notes = new ArrayList<>(wordNotes);
        notes.addAll(mode == Mode.EXTEND ? shape.notes() : List.of());
        notes.add("source read as " + sourceFrames + " frames of " + pipeline.spec().size() + "x" + pipeline.spec().size()
                + " at " + pipeline.spec().fps() + " fps");
        int frames = mode == Mode.EXTEND ? sourceFrames + shape.frames() : sourceFrames;
        VideoRecord video = new VideoRecord(id, ApiKeys.project(ctx), System.currentTimeMillis(), null, VideoStatus.QUEUED, 0,
                pipeline.apiId(), prompt, VideoRequest.randomSeed(), pipeline.defaults().guidance(), frames, shape.fps(),
                shape.scale(), shape.nativeSize(), mode, reference, null, null, seconds, notes, null, null, null, null);
        submit(video);
        ctx.json(video.toApi(json));
    }

    /**
     * The words of the prompt the model never saw, as a note for the video (listed as strom.unknown_words); with
     * "strict": true such a prompt is refused instead.
     */
    private List<String> wordNotes(RequestForm form, String prompt) {
        List<String> unknown = pipeline.unknownWords(prompt);
        if (unknown.isEmpty()) {
            return List.of();
        }
        if (form.flag("strict")) {
            throw new ApiError(400, "invalid_request_error", "unknown_words", "prompt", "The model never saw the words "
                    + String.join(", ", unknown) + " in training; GET /v1/models/" + pipeline.apiId() + " lists what it can draw.");
        }
        return List.of(VideoRecord.UNKNOWN_WORDS + String.join(", ", unknown));
    }

    /** Multipart sends an object reference as JSON text; a bare id is accepted too. */
    private String referencedId(String text) {
        try {
            JsonNode node = json.readTree(text);
            return node != null && node.isObject() ? node.path("id").asText(null) : text;
        } catch (IOException e) {
            return text;
        }
    }

    /**
     * The reference must be an uploaded image by its bytes; whether it decodes, and is no larger than
     * {@link PixelLimit}, is told by reading it as the job will ({@link #keepSource}), its size from the header first.
     */
    private UploadCheck.Kind checkImage(byte[] bytes) {
        if (bytes == null) {
            throw ApiError.unsupported("input_reference", "input_reference must be an uploaded image file; image_url and file_id are not supported.");
        }
        return uploads.image("input_reference", bytes);
    }

    private void list(Context ctx) {
        int limit = ListPage.queryInt(ctx, "limit", 20, 1, 100);
        boolean ascending = ListPage.ascending(ctx);
        VideoRecord after = null;
        if (ctx.queryParam("after") != null) {
            String given = ctx.queryParam("after");
            after = VideoId.tryParse(given).flatMap(id -> store.find(id, ApiKeys.project(ctx)))
                    .orElseThrow(() -> ApiError.invalid("after", "'after' must be the id of a listed video"));
        }
        List<VideoRecord> page = store.page(ApiKeys.project(ctx), after, limit, ascending);
        ctx.json(ListPage.of(json, page, limit, v -> v.toApi(json), v -> v.id().toString()));
    }

    private void delete(Context ctx) throws IOException {
        VideoId id = find(ctx).id();
        queue.delete(id);
        ObjectNode out = json.createObjectNode();
        out.put("id", id.toString());
        out.put("object", "video.deleted");
        out.put("deleted", true);
        ctx.json(out);
    }

    private void content(Context ctx) throws IOException {
        VideoRecord video = find(ctx);
        VideoFiles.Variant variant = VideoFiles.Variant.parse(ctx.queryParam("variant"));
        if (video.status() != VideoStatus.COMPLETED) {
            throw ApiError.invalid(null, "Video " + video.id() + " is " + video.status().wire() + "; content is available once it is completed.");
        }
        Path file = files.path(video.id(), variant);
        if (!Files.isRegularFile(file)) {
            throw new ApiError(404, "invalid_request_error", "not_found", "variant", "The " + variant.name().toLowerCase(Locale.ROOT)
                    + " of " + video.id() + " is missing on this machine (is the data directory shared between workers?).");
        }
        ctx.contentType(variant.contentType());
        ctx.header("Content-Length", String.valueOf(Files.size(file)));
        ctx.result(Files.newInputStream(file));
    }

    /** The path's video, if the request's project owns it: another project's is "not found", as if it did not exist. */
    private VideoRecord find(Context ctx) {
        VideoId id = VideoId.parse(ctx.pathParam("id"));
        return store.find(id, ApiKeys.project(ctx)).orElseThrow(() -> ApiError.notFound(id.toString()));
    }
}
