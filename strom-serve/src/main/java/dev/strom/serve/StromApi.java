package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
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
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

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
    private static final int DEFAULT_DRAWS = 4;
    private static final long POLL_MILLIS = 250;
    private static final long STREAM_LIMIT_MILLIS = 15 * 60 * 1000;
    private static final int FRAME_SCALE = 4;

    private final ObjectMapper json;
    private final JobStore store;
    private final VideoFiles files;
    private final VideoMaker maker;
    private final UploadCheck uploads;
    private final Path scratch;
    private final long modelCreated;

    StromApi(ObjectMapper json, JobStore store, VideoFiles files, VideoMaker maker, UploadCheck uploads, Path scratch,
             long modelCreated) {
        this.json = json;
        this.store = store;
        this.files = files;
        this.maker = maker;
        this.uploads = uploads;
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
            out.putArray("data").addObject().put("id", maker.name()).put("object", "model").put("created", modelCreated)
                    .put("owned_by", "strom");
            ctx.json(out);
        });
    }

    /**
     * Progress events while the video is made, with a "draft" event for each frame as soon as the model has made
     * it, then one "frame" event per frame of the finished video (PNG, base64), then "done".
     */
    private void events(Context ctx) throws IOException, InterruptedException {
        VideoId id = VideoId.parse(ctx.pathParam("id"));
        VideoRecord video = store.find(id).orElseThrow(() -> ApiError.notFound(id.toString()));
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
            for (Path frame; Files.exists(frame = files.liveFrame(id, drafted)); drafted++) {
                event(out, "draft", json.createObjectNode().put("index", drafted).put("frames", video.frames())
                        .put("png", Base64.getEncoder().encodeToString(Files.readAllBytes(frame))).toString());
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
            for (int t = 0; t < clip.frames(); t++) {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(ClipWriter.frame(clip, t, FRAME_SCALE), "png", png);
                event(out, "frame", json.createObjectNode().put("index", t).put("frames", clip.frames())
                        .put("png", Base64.getEncoder().encodeToString(png.toByteArray())).toString());
            }
        }
        event(out, "done", "{}");
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Strom provenance of an uploaded file: its C2PA manifest (present, valid, signer) and the watermark. */
    private void verify(Context ctx) throws IOException {
        RequestForm form = RequestForm.read(ctx, json, VERIFY, uploads);
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
        Path tmp = Files.createTempFile(scratch, "upload-", "." + kind.name().toLowerCase(java.util.Locale.ROOT));
        try {
            Files.write(tmp, bytes);
            return reader.read(tmp);
        } catch (IOException | RuntimeException e) {
            throw ApiError.invalid("file", unreadable);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @FunctionalInterface
    private interface UploadReader<T> {
        T read(Path file) throws IOException;
    }

    private void score(Context ctx) throws IOException {
        RequestForm form = RequestForm.read(ctx, json, SCORE, uploads);
        byte[] bytes = form.file("file");
        if (bytes == null) {
            throw ApiError.missing("file");
        }
        String prompt = form.text("prompt", ServeConfig.MAX_PROMPT_CHARS);
        ModelView view = modelView(bytes);
        ObjectNode out = json.createObjectNode();
        out.put("object", "score");
        out.put("model", maker.name());
        out.put("frames", Math.min(view.clip().frames(), maker.spec().frames()));
        view.describeResampling(out);
        out.put("bits_per_dim", maker.bitsPerDim(view.clip(), null));
        if (prompt != null) {
            out.put("prompt", prompt);
            out.put("conditional_bits_per_dim", maker.bitsPerDim(view.clip(), prompt));
        }
        ctx.json(out);
    }

    /**
     * Which of the given captions the uploaded clip was made from, read off the exact likelihood (as
     * {@code strom classify}): the captions by probability, highest first.
     */
    private void classify(Context ctx) throws IOException {
        RequestForm form = RequestForm.read(ctx, json, CLASSIFY, uploads);
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
        Long frames = form.integer("frames", 1, maker.spec().frames());
        Long given = form.integer("given", 0, maker.spec().frames() - 1);
        Long draws = form.integer("draws", 1, MAX_DRAWS);
        Long seed = form.integer("seed", 0, Long.MAX_VALUE);
        ModelView view = modelView(bytes);
        int read = Math.min(view.clip().frames(), frames == null ? maker.spec().frames() : frames.intValue());
        int g = given == null ? 0 : given.intValue();
        if (g >= read) {
            throw ApiError.invalid("given", "'given' leaves nothing to read: " + g + " of the " + read + " frames read.");
        }
        int d = draws == null ? DEFAULT_DRAWS : draws.intValue();
        double[] p = maker.captionPosterior(view.clip(), read, g, captions, d, seed == null ? 0 : seed);
        ObjectNode out = json.createObjectNode();
        out.put("object", "classification");
        out.put("model", maker.name());
        out.put("frames_read", read);
        out.put("frames_given", g);
        view.describeResampling(out);
        out.put("draws", d);
        ArrayNode list = out.putArray("captions");
        IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> -p[i]))
                .forEach(i -> list.addObject().put("caption", captions.get(i)).put("probability", p[i]));
        ctx.json(out);
    }

    /** An uploaded video as the model reads it, and what it was before when that took resampling. */
    private record ModelView(Clip clip, String resampledFrom) {
        void describeResampling(ObjectNode out) {
            if (resampledFrom != null) {
                out.put("resampled_from", resampledFrom);
            }
        }
    }

    private ModelView modelView(byte[] bytes) throws IOException {
        UploadCheck.Kind kind = uploads.video("file", bytes);
        return readUpload(bytes, kind, file -> {
            Clip stored = MediaDecoder.decode(file, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
            if (stored.width() == maker.spec().size() && stored.height() == maker.spec().size()) {
                return new ModelView(stored, null);
            }
            // footage from elsewhere is read as the model sees it: its size and fps, centre crop
            return new ModelView(maker.atModelSize(file), stored.width() + "x" + stored.height() + " at " + stored.fps() + " fps");
        }, "'file' could not be decoded as a video.");
    }
}
