package dev.strom.serve;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.StarFlow;
import dev.strom.media.MediaDecoder;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The one place the server calls the engine. The model is loaded once per process and used by one job at
 * a time (its tensors live in one manager); the job queue's worker count bounds how many wait here.
 * A still or a clip becomes the opening frames (image-to-video, extension), the source of an edit, or the
 * video a remix starts from.
 */
public final class VideoMaker implements AutoCloseable {

    /** Progress of one clip, 0 to 1; returning false stops the generation. */
    @FunctionalInterface
    public interface Progress {
        boolean update(double fraction);
    }

    private final NDManager manager;
    private final TextToVideo model;
    private final String name;
    private final Sampling defaults;

    /** The model's own sampling defaults, used when a request names none. */
    public record Sampling(float guidance, float temperature) {
    }

    public VideoMaker(Path modelDir, Sampling defaults) throws IOException {
        this.manager = NDManager.newBaseManager();
        try {
            this.model = ModelStore.load(modelDir, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
        Path leaf = modelDir.toAbsolutePath().normalize().getFileName();
        this.name = "strom-" + (leaf == null ? "model" : leaf);
        this.defaults = defaults;
    }

    public String name() {
        return name;
    }

    public VideoSpec spec() {
        return model.spec();
    }

    public Sampling defaults() {
        return defaults;
    }

    /**
     * Makes the clip a stored video asks for from its reference file (null for text-to-video), handing frames
     * to {@code frames} as they are made; throws CancellationException when progress says stop.
     */
    public synchronized Clip make(VideoRecord video, Path reference, Progress progress, TextToVideo.FrameSink frames)
            throws IOException {
        if (video.mode() != Mode.TEXT && (reference == null || !java.nio.file.Files.isRegularFile(reference))) {
            // said without the server's path: the message reaches the client as the video's error
            throw new IOException("the source of this " + video.mode().name().toLowerCase(java.util.Locale.ROOT)
                    + " is no longer there (deleted before the job ran?)");
        }
        float[] opening = switch (video.mode()) {
            case TEXT -> null;
            case IMAGE -> MediaDecoder.read(reference, new MediaDecoder.Target(spec().size(), spec().fps(), 1),
                    MediaDecoder.Fit.CROP).toModelLayout();
            case EXTEND, EDIT, REMIX -> atModelSize(reference).toModelLayout();
        };
        var g = new TextToVideo.Generation(video.prompt(), video.seed(), video.guidance(), video.frames(),
                new JacobiInverse(16, 32, 1e-3), true, defaults.temperature(), opening);
        StarFlow.Progress p = (done, total, frac) -> {
            if (!progress.update((done + frac) / total)) {
                throw new CancellationException("stopped");
            }
        };
        float[] x = switch (video.mode()) {
            case TEXT, IMAGE, EXTEND -> model.generate(g, p, frames);
            case EDIT -> model.edit(g, p, frames);
            // the source is a video this server made: its title is the prompt it was made with
            case REMIX -> model.remix(g, java.util.Objects.requireNonNullElse(MediaDecoder.title(reference), ""), p, frames);
        };
        return Clip.fromModelLayout(x, video.frames(), spec().size(), spec().size(), video.fps());
    }

    /** Every frame of a clip as the model sees it: its size, its fps, centre-cropped. */
    public Clip atModelSize(Path clip) throws IOException {
        return MediaDecoder.decode(clip, new MediaDecoder.Target(spec().size(), spec().fps(), 0), MediaDecoder.Fit.CROP).clip();
    }

    /** Exact bits/dim of a clip at the model's size (any length; see {@link TextToVideo#bitsPerDim(float[], String, long)}), given the prompt or none. */
    public synchronized double bitsPerDim(Clip clip, String prompt) {
        return model.bitsPerDim(atModelSizeOnly(clip, "bits/dim"), prompt, 0);
    }

    /**
     * P(caption | the first {@code frames} frames of the clip) under a uniform prior over the captions, the first
     * {@code given} of them conditioned on, not read (see {@link TextToVideo#captionPosterior}), in the order given.
     */
    public synchronized double[] captionPosterior(Clip clip, int frames, int given, List<String> captions, int draws, long seed) {
        float[] x = java.util.Arrays.copyOf(atModelSizeOnly(clip, "reading captions"), spec().dims(Math.min(frames, clip.frames())));
        return model.captionPosterior(x, given, captions, draws, seed);
    }

    /** The clip in the model's layout, refused unless it is at the model's size. */
    private float[] atModelSizeOnly(Clip clip, String what) {
        if (clip.width() != spec().size() || clip.height() != spec().size()) {
            throw new IllegalArgumentException(what + " needs a clip at the model's size (see atModelSize)");
        }
        return clip.toModelLayout();
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
