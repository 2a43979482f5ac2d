package dev.strom.serve;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.flow.JacobiInverse;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The one place the server calls the engine. The model is loaded once per process and used by one job at
 * a time (its tensors live in one manager); the job queue's worker count bounds how many wait here.
 * Modes other than text are refused by {@link #supports} until the engine does them.
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

    public boolean supports(Mode mode) {
        return mode == Mode.TEXT;
    }

    /** Makes the clip a stored video asks for; throws CancellationException when progress says stop. */
    public synchronized Clip make(VideoRecord video, Progress progress) {
        if (!supports(video.mode())) {
            throw new IllegalArgumentException(video.mode() + " is not supported by this engine yet");
        }
        var g = new TextToVideo.Generation(video.prompt(), video.seed(), video.guidance(), video.frames(),
                new JacobiInverse(16, 32, 1e-3), true, defaults.temperature());
        float[] x = model.generate(g, (done, total, frac) -> {
            if (!progress.update((done + frac) / total)) {
                throw new CancellationException("stopped");
            }
        });
        return Clip.fromModelLayout(x, video.frames(), spec().size(), spec().size(), video.fps());
    }

    /** Exact bits/dim of a clip at the model's size (its first frames up to the model's length), unconditional. */
    public synchronized double bitsPerDim(Clip clip, String prompt) {
        int size = spec().size();
        if (clip.width() != size || clip.height() != size) {
            throw ApiError.invalid("file", "clip is " + clip.width() + "x" + clip.height() + " but the model works at "
                    + size + "x" + size);
        }
        int frames = Math.min(clip.frames(), spec().frames());
        float[] x = Arrays.copyOf(clip.toModelLayout(), spec().dims(frames));
        List<String> prompts = prompt == null ? Collections.singletonList(null) : List.of(prompt);
        return model.bitsPerDim(List.of(x), frames, prompts, 0)[0];
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
