package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.data.Pause;
import dev.strom.store.ModelVocabulary;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.util.List;
import java.util.ArrayList;

/**
 * What the trainer learns from: per step, a batch in parts of equal clip length (full clips, one-frame stills,
 * short windows, ...), a held-out figure, and a line for the model card. Every step's batch follows from the
 * seed and the step number alone, so a resumed run sees exactly the data an uninterrupted one would.
 */
interface TrainingData {

    /**
     * Clips of {@code frames} frames each, in the model's layout [T, C, H, W], with their captions; for caption
     * contrast, also wrong captions per clip (the same number for each), else none, and the frame from which the
     * contrast reads the clips ({@link dev.strom.flow.train.TrainingObjective#captionContrast}); for future contrast,
     * {@code futures} candidate continuations per caption, the true one first, read from {@code scoredFrom}
     * ({@link dev.strom.flow.train.TrainingObjective#futureContrast}); and how much the part counts.
     */
    record BatchPart(List<float[]> clips, int frames, List<String> captions, List<List<String>> wrongCaptions,
                     int scoredFrom, int futures, float weight) {

        BatchPart(List<float[]> clips, int frames, List<String> captions) {
            this(clips, frames, captions, List.of(), 0, 0, 1f);
        }

        BatchPart(List<float[]> clips, int frames, List<String> captions, List<List<String>> wrongCaptions, int scoredFrom) {
            this(clips, frames, captions, wrongCaptions, scoredFrom, 0, 1f);
        }

        /** Future contrast: {@code futures} rows per caption in {@code rows}, the truth first, read from {@code scoredFrom}. */
        static BatchPart future(List<float[]> rows, int frames, List<String> captions, int futures, int scoredFrom) {
            return new BatchPart(rows, frames, captions, List.of(), scoredFrom, futures, 1f);
        }

        /** The same part counting {@code w} times in the loss. */
        BatchPart weighted(float w) {
            return new BatchPart(clips, frames, captions, wrongCaptions, scoredFrom, futures, w);
        }

        boolean future() {
            return futures > 1;
        }

        /** An "(extend) " window: every caption carries the marker. */
        boolean extend() {
            return !captions.isEmpty() && captions.stream().allMatch(c -> c.startsWith(dev.strom.video.Generation.EXTEND_MARKER));
        }

        boolean contrasted() {
            return !wrongCaptions.isEmpty();
        }

        /** Each clip's candidates for caption contrast: its own caption first, then the wrong ones (if any). */
        List<List<String>> candidates() {
            List<List<String>> out = new ArrayList<>();
            for (int i = 0; i < clips.size(); i++) {
                List<String> c = new ArrayList<>(List.of(captions.get(i)));
                if (contrasted()) {
                    c.addAll(wrongCaptions.get(i));
                }
                out.add(c);
            }
            return out;
        }
    }

    /** Opens the data once the model's clip format is known. */
    @FunctionalInterface
    interface Source {
        TrainingData open(VideoSpec spec) throws IOException;
    }

    /** The parts of step {@code step}'s batch; the first part's bits/dim is the one logged. */
    List<BatchPart> batch(int step);

    /**
     * Step {@code step}'s whole clips of {@code frames} frames (no future-contrast rows), at most {@code max}: what
     * the networks beside the flow (the autoencoder, the denoiser) learn from.
     */
    default List<float[]> wholeClips(int step, int frames, int max) {
        List<float[]> out = new ArrayList<>();
        for (BatchPart p : batch(step)) {
            if (p.frames() == frames && !p.future() && out.size() < max) {
                out.addAll(p.clips().subList(0, Math.min(p.clips().size(), max - out.size())));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the training data gave no whole " + frames + "-frame clips");
        }
        return out;
    }

    /** Mean conditional bits/dim on the held-out clips. */
    double heldOutBitsPerDim(VideoModel model);

    /** What the model was trained on, for the model card. */
    String description();

    /** Whether future contrast reads only the frame after the given ones (the trainer cuts the rest off). */
    boolean futureReadsNextFrameOnly();

    /** The words of the training captions with their counts, and what the data says the model can draw. */
    ModelVocabulary vocabulary();

    /** Clips shorter than this are never paused: a pause needs two moving frames after it (see {@link Pause#random}). */
    int PAUSED_FRAMES = 6;

    /**
     * The train section's {@code pause_share}: the share of full clips that pause and move on ({@link Pause}), in
     * [0, 1]; a clip of the model's length must be long enough to pause.
     */
    static double pauseShare(com.fasterxml.jackson.databind.JsonNode train, int frames) {
        double share = train.path("pause_share").asDouble(0);
        if (!(share >= 0 && share <= 1) || share > 0 && frames < PAUSED_FRAMES) {
            throw new IllegalArgumentException("pause_share must be in [0, 1], and needs clips of at least " + PAUSED_FRAMES + " frames");
        }
        return share;
    }

    /** The clip paused at random ({@link Pause#random}) with probability {@code share}, drawn from {@code rng}, else itself. */
    static Clip maybePaused(Clip clip, double share, java.util.Random rng) {
        return share > 0 && rng.nextDouble() < share ? Pause.random(rng, clip.frames()).apply(clip) : clip;
    }
}
