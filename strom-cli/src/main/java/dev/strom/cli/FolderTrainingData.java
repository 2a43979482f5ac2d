package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.Clip;
import dev.strom.data.Continuations;
import dev.strom.footage.FolderDataset;
import dev.strom.footage.Preprocessing;
import dev.strom.media.MediaDecoder;
import dev.strom.store.ModelVocabulary;
import dev.strom.text.Vocabulary;
import dev.strom.video.Generation;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A folder of your own clips and images: each step draws its batch uniformly from all training clips (video
 * windows and one-frame images alike, as STARFlow-V trains jointly on images and videos) and groups it by clip
 * length, longest first. The train section can add what the world's dynamics recipe has, from the folder's videos:
 * future contrast against the last given frame held, the motion reversed and the later frames shuffled, and
 * "(extend) " windows that start after a video's first frame.
 */
final class FolderTrainingData implements TrainingData {

    /** The wrong continuations any footage has (the world can also remove an object: it knows where the object is). */
    static final List<String> CORRUPTIONS = List.of("held", "reversed", "shuffled");

    private final FolderDataset data;
    private final VideoSpec spec;
    private final long seed;
    private final int batch;
    private final FutureContrastSettings future;
    private final ExtendWindowSettings extend;
    /** The training videos, each whole, long enough for a future-contrast window (from anywhere in them). */
    private final List<FolderDataset.Item> futureVideos;
    /** The training videos, each whole, long enough for an extension window that starts after their first frame. */
    private final List<FolderDataset.Item> extendVideos;
    /** The share of full clips that pause and move on ({@link dev.strom.data.Pause}). */
    private final double pauseShare;

    private FolderTrainingData(FolderDataset data, JsonNode train, VideoSpec spec, long seed, int batch) {
        this.data = data;
        this.spec = spec;
        this.seed = seed;
        this.batch = batch;
        this.future = FutureContrastSettings.of(train, spec.frames(), CORRUPTIONS, CORRUPTIONS);
        this.extend = ExtendWindowSettings.of(train, spec.frames());
        this.pauseShare = TrainingData.pauseShare(train, spec.frames());
        List<FolderDataset.Item> videos = data.trainingVideos();
        this.futureVideos = videos.stream().filter(v -> v.clip().frames() >= spec.frames()).toList();
        this.extendVideos = videos.stream().filter(v -> v.clip().frames() > extend.length(spec.frames())).toList();
        if (future.perStep() > 0 && future.corruptions().contains("shuffled") && future.givenMax() > spec.frames() - 2) {
            throw new IllegalArgumentException("shuffled continuations need two frames after the given ones: future_given_max "
                    + "must be at most " + (spec.frames() - 2));
        }
        if (train.path("shape_drift_share").asDouble(0) > 0) {
            throw new IllegalArgumentException("shape_drift_share needs the built-in world: it redraws a clip's object, "
                    + "which footage does not say where to find");
        }
        if (future.perStep() > 0 && futureVideos.isEmpty()) {
            throw new IllegalArgumentException("future contrast needs training videos of at least " + spec.frames() + " frames");
        }
        if (extend.perStep() > 0 && extendVideos.isEmpty()) {
            throw new IllegalArgumentException("extension windows need training videos longer than " + extend.length(spec.frames())
                    + " frames, to start after the first");
        }
    }

    /**
     * Loads (or finds in its cache) the folder, printing one warning per skipped file and a summary; {@code train} is
     * the config's train section (future contrast and extension windows).
     */
    static FolderTrainingData open(Path folder, JsonNode train, VideoSpec spec, MediaDecoder.Fit fit, long seed, int batch)
            throws IOException {
        FolderDataset d = FolderDataset.load(folder, Preprocessing.of(spec.size(), spec.fps(), spec.frames(), fit),
                w -> System.err.println("warning: " + w));
        System.err.println("data: " + d.summary() + " (" + d.decoded() + " files decoded, " + d.cached() + " from the cache)");
        if (d.train().isEmpty()) {
            throw new IllegalArgumentException("--data " + folder + ": no training clips left after the held-out split");
        }
        return new FolderTrainingData(d, train, spec, seed, batch);
    }

    @Override
    public List<BatchPart> batch(int step) {
        Random r = new Random(seed * 1_000_033L + step);
        Map<Integer, List<FolderDataset.Item>> byLength = new TreeMap<>(Comparator.reverseOrder());
        for (int i = 0; i < batch; i++) {
            FolderDataset.Item item = data.train().get(r.nextInt(data.train().size()));
            byLength.computeIfAbsent(item.clip().frames(), k -> new ArrayList<>()).add(item);
        }
        List<BatchPart> parts = new ArrayList<>();
        Random pauses = new Random(seed * 1_000_037L + step);
        byLength.forEach((frames, items) -> parts.add(part(frames, items,
                clip -> TrainingData.maybePaused(clip, frames >= PAUSED_FRAMES ? pauseShare : 0, pauses))));
        // drawn from their own stream, so the plain parts are the same whether these are asked for or not
        Random more = new Random(seed * 11_000_027L + step);
        addFutures(parts, more);
        addExtendWindows(parts, more);
        return parts;
    }

    /**
     * Future contrast: per clip, a window of the model's length from anywhere in a training video, a number of given
     * frames (one per step), and its true continuation first, then each wrong one (see {@link Continuations}).
     */
    private void addFutures(List<BatchPart> parts, Random rng) {
        if (future.perStep() == 0) {
            return;
        }
        int w = spec.frames();
        int given = future.given(rng);
        List<float[]> rows = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < future.perStep(); i++) {
            FolderDataset.Item video = futureVideos.get(rng.nextInt(futureVideos.size()));
            Clip truth = video.clip().window(rng.nextInt(video.clip().frames() - w + 1), w);
            rows.add(truth.toModelLayout());
            for (String kind : future.corruptions()) {
                Clip wrong = switch (kind) {
                    case "held" -> Continuations.held(truth, given);
                    case "reversed" -> Continuations.reversed(truth, given);
                    default -> Continuations.shuffled(truth, given, rng);
                };
                rows.add(wrong.toModelLayout());
            }
            captions.add(video.caption());
        }
        parts.add(BatchPart.future(rows, w, captions, future.candidates(), given));
    }

    /**
     * Extension windows (STARFlow-V's "(extend) " examples): a window of the model's length (plus
     * {@code extend_lead_frames} for a latent model) that starts after a video's first frame, so the model learns to
     * go on from frames it is given rather than from where a clip starts.
     */
    private void addExtendWindows(List<BatchPart> parts, Random rng) {
        if (extend.perStep() == 0) {
            return;
        }
        int w = extend.length(spec.frames());
        List<float[]> clips = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < extend.perStep(); i++) {
            FolderDataset.Item video = extendVideos.get(rng.nextInt(extendVideos.size()));
            int start = 1 + rng.nextInt(video.clip().frames() - w);
            clips.add(video.clip().window(start, w).toModelLayout());
            captions.add(Generation.extendCaption(video.caption()));
        }
        parts.add(new BatchPart(clips, w, captions));
    }

    private static BatchPart part(int frames, List<FolderDataset.Item> items) {
        return part(frames, items, UnaryOperator.identity());
    }

    /** The items' clips, each as {@code prepare} makes it, with their captions. */
    private static BatchPart part(int frames, List<FolderDataset.Item> items, UnaryOperator<Clip> prepare) {
        return new BatchPart(items.stream().map(i -> prepare.apply(i.clip()).toModelLayout()).toList(), frames,
                items.stream().map(FolderDataset.Item::caption).toList());
    }

    /** Mean conditional bits/dim over the held-out files' clips (every window, every image). */
    @Override
    public double heldOutBitsPerDim(VideoModel model) {
        Map<Integer, List<FolderDataset.Item>> byLength = new TreeMap<>();
        for (FolderDataset.Item item : data.heldOut()) {
            byLength.computeIfAbsent(item.clip().frames(), k -> new ArrayList<>()).add(item);
        }
        double sum = 0;
        for (Map.Entry<Integer, List<FolderDataset.Item>> e : byLength.entrySet()) {
            BatchPart p = part(e.getKey(), e.getValue());
            for (double b : model.likelihood().bitsPerDim(p.clips(), p.frames(), p.captions(), 1234)) {
                sum += b;
            }
        }
        return sum / data.heldOut().size();
    }

    @Override
    public boolean futureReadsNextFrameOnly() {
        return future.nextFrameOnly();
    }

    @Override
    public String description() {
        return data.summary();
    }

    /** Every training file's caption (held-out files are not trained on, so their words stay unknown). */
    @Override
    public ModelVocabulary vocabulary() {
        // one caption per file, however many windows it gave
        Map<String, String> byFile = new TreeMap<>();
        data.train().forEach(i -> byFile.putIfAbsent(i.file(), i.caption()));
        List<String> captions = new ArrayList<>(byFile.values());
        if (extend.perStep() > 0) {
            captions.add(Generation.extendCaption(""));
        }
        return new ModelVocabulary(Vocabulary.of(captions), null, byFile.values().stream().distinct().limit(4).toList());
    }
}
