package dev.strom.pipeline;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import dev.strom.video.Likelihood;
import dev.strom.video.SampleListener;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The one path by which Strom makes, reads and delivers a video, shared by the CLI, the server and the
 * evaluation: a loaded model, footage read at its size ({@link #source}, {@link #read}), clips made from a
 * request ({@link #make}), and clips read back ({@link #score}, {@link #classify}). Delivery (encoding,
 * watermark, C2PA) is {@link Delivery}'s.
 * <p>
 * The model's tensors live in one manager, so one clip is made or read at a time (the methods that use the
 * model are synchronized).
 */
public final class VideoPipeline implements AutoCloseable {

    private final NDManager manager;
    private final VideoModel model;
    private final String name;
    private final ModelVocabulary vocabulary;

    private VideoPipeline(NDManager manager, VideoModel model, String name, ModelVocabulary vocabulary) {
        this.manager = manager;
        this.model = model;
        this.name = name;
        this.vocabulary = vocabulary;
    }

    /** Loads a model directory, or the checkpoint in a training output directory. */
    public static VideoPipeline open(Path modelDir) throws IOException {
        Path dir = ModelStore.resolve(modelDir);
        NDManager manager = NDManager.newBaseManager();
        try {
            return new VideoPipeline(manager, ModelStore.load(dir, manager), ModelStore.name(dir),
                    ModelVocabulary.read(dir).orElse(null));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Strom's version, from the jar's manifest ("dev" when run from classes). */
    public static String version() {
        String v = VideoPipeline.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** What the model knows: its training words and what it can draw; empty for a model saved without them. */
    public Optional<ModelVocabulary> vocabulary() {
        return Optional.ofNullable(vocabulary);
    }

    /**
     * The prompt's words the model never saw in training (each once, in order): it draws nothing for them. Empty
     * when the model keeps no vocabulary, as nothing can be said then.
     */
    public List<String> unknownWords(String prompt) {
        return vocabulary == null ? List.of() : vocabulary.words().unknownWords(prompt);
    }

    public VideoModel model() {
        return model;
    }

    public VideoSpec spec() {
        return model.spec();
    }

    /** How the model samples unless told otherwise. */
    public Sampling defaults() {
        return model.defaults();
    }

    /** The model's name (its directory's, or its training run's), as provenance records it. */
    public String name() {
        return name;
    }

    /** The model's id in the API ("strom-" and its name). */
    public String apiId() {
        return "strom-" + name;
    }

    /** Every frame of a file as the model reads it: its size and fps, centre crop, and what it was before. */
    public MediaDecoder.Media read(Path file) throws IOException {
        return MediaDecoder.forModel(file, spec().size(), spec().fps(), 0);
    }

    /** What a mode reads from its source file: the still (its first frame) or the whole clip, at the model's size. */
    public Clip source(Mode mode, Path file) throws IOException {
        return switch (mode.source()) {
            case NONE -> throw new IllegalArgumentException(mode + " takes no source file");
            case STILL -> MediaDecoder.forModel(file, spec().size(), spec().fps(), 1).clip();
            case CLIP -> read(file).clip();
        };
    }

    /** Makes the clip a request asks for; the listener may throw to stop (e.g. CancellationException). */
    public synchronized Clip make(VideoRequest request, SampleListener listener) {
        float[] x = model.sampler().sample(request.generation(), listener);
        return Clip.fromModelLayout(x, request.frames(), spec().size(), spec().size(), spec().fps());
    }

    /**
     * Exact bits/dim of a clip read at the model's size, every frame (see {@link Likelihood#bitsPerDim(float[],
     * String, long)}), against the empty caption and, when a prompt is given, conditionally.
     */
    public synchronized Score score(MediaDecoder.Media media, String prompt) {
        float[] x = atModelSize(media.clip(), "bits/dim");
        Likelihood l = model.likelihood();
        return new Score("score", apiId(), null, media.clip().frames(), media.resampledFrom(), l.bitsPerDim(x, null, 0),
                prompt, prompt == null ? null : l.bitsPerDim(x, prompt, 0), null);
    }

    /** Exact bits/dim of a clip Strom made at the model's size, against the empty caption. */
    public synchronized double bitsPerDim(Clip clip) {
        return model.likelihood().bitsPerDim(atModelSize(clip, "bits/dim"), null, 0);
    }

    /**
     * Which of the request's captions the clip was made from (see {@link Likelihood#captionPosterior}): the first
     * {@code frames} frames (at most the training length) read, the first {@code given} of them conditioned on.
     */
    public synchronized Classification classify(MediaDecoder.Media media, ClassifyRequest r) {
        Clip clip = media.clip();
        int read = framesRead(clip, r.frames());
        if (r.given() >= read) {
            throw new IllegalArgumentException("given " + r.given() + " leaves nothing to read of the " + read + " frames read");
        }
        float[] x = Arrays.copyOf(atModelSize(clip, "reading captions"), spec().dims(read));
        double[] p = model.likelihood().captionPosterior(x, r.given(), r.captions(), r.draws(), r.seed());
        List<Classification.Choice> choices = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i]))
                .map(i -> new Classification.Choice(r.captions().get(i), p[i])).toList();
        return new Classification("classification", apiId(), null, read, r.given(), media.resampledFrom(), r.draws(), choices);
    }

    /** How many frames of a clip a classification reads: the first {@code frames} (null: all), at most the training length. */
    public int framesRead(Clip clip, Integer frames) {
        return Math.min(clip.frames(), frames == null ? spec().frames() : Math.min(frames, spec().frames()));
    }

    /** The clip in the model's layout, refused unless it is at the model's size. */
    private float[] atModelSize(Clip clip, String what) {
        if (clip.width() != spec().size() || clip.height() != spec().size()) {
            throw new IllegalArgumentException(what + " needs a clip at the model's size (see read)");
        }
        return clip.toModelLayout();
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
