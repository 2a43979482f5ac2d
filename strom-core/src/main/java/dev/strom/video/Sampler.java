package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.Conditioning;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.StarFlow;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.latent.AutoencoderConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * Makes clips with a {@link VideoModel}, whatever the mode ({@link #sample}).
 * <p>
 * A clip longer than the model's training length is made in windows of that length, as STARFlow-V extends
 * videos: each window after the first starts from the last half-window of frames already made (context, pushed
 * through the flow to fill the caches) and adds the rest, so the cost per frame stays the same however long the
 * clip. Context frames are noise-augmented like training inputs before the model sees them, and appear in the
 * result unchanged.
 */
public final class Sampler {

    private final VideoModel model;
    private final VideoSpec spec;
    private final Space space;

    Sampler(VideoModel model) {
        this.model = model;
        this.spec = model.spec();
        this.space = model.autoencoder().isPresent() ? new Latents() : new Pixels();
    }

    /** Makes the clip {@code g} asks for, [T, C, H, W] in [-1, 1] (not clamped). */
    public float[] sample(Generation g, SampleListener listener) {
        SampleListener l = listener == null ? SampleListener.NONE : listener;
        return switch (g.mode()) {
            case CONTINUE -> continued(g, l);
            case EDIT -> edited(g, l);
            case REMIX -> remixed(g, l);
        };
    }

    /** How many opening frames {@code g} gives (0 for text-to-video): whole frames, fewer than it asks for. */
    private int givenFrames(Generation g) {
        int plane = spec.dims(1);
        float[] opening = g.source();
        int given = opening == null ? 0 : opening.length / plane;
        if (opening != null && (opening.length % plane != 0 || given == 0 || given >= g.frames())) {
            throw new IllegalArgumentException("context must hold between 1 and " + (g.frames() - 1) + " whole frames of "
                    + spec.size() + "x" + spec.size() + " RGB");
        }
        return given;
    }

    /**
     * Text-to-video, image-to-video and extension: the opening frames (if any) are kept, the rest is made. A latent
     * model encodes the opening once and makes the clip latent frame by latent frame (context comes from the
     * latents already there, never re-encoded from decoded pixels); the opening frames are returned unchanged.
     */
    private float[] continued(Generation g, SampleListener l) {
        int given = givenFrames(g);
        int total = space.flowFrames(g.frames());
        int known = given == 0 ? 0 : space.flowFrames(given);
        float[] flow = new float[total * space.plane()];
        if (known > 0) {
            float[] opening = space.encode(g.source(), given);
            System.arraycopy(opening, 0, flow, 0, opening.length);
        }
        List<Window> windows = Window.tiling(total, known, space.flowFrames(spec.frames()));
        Run run = new Run(g, l, flow, windows.size());
        for (int w = 0; w < windows.size(); w++) {
            run.window(w, flow, windows.get(w));
        }
        float[] out = space.decode(flow, total, 0, g.frames());
        if (given > 0) {
            System.arraycopy(g.source(), 0, out, 0, given * spec.dims(1));
        }
        return out;
    }

    /**
     * Edits a clip as the model was trained to (source-prefix scheme): the source goes in half a training window
     * at a time as context, and the model writes the same span again under the instruction. Only the written
     * frames are returned, as many as the source has.
     */
    private float[] edited(Generation g, SampleListener l) {
        if (space instanceof Latents) {
            throw new IllegalArgumentException("edit is not yet possible with a latent model");
        }
        int plane = spec.dims(1);
        float[] source = model.wholeFrames(g.source(), "edit needs a source clip");
        int frames = source.length / plane;
        int half = model.editSourceFrames();
        float[] out = new float[source.length];
        Generation marked = new Generation(g.mode(), Generation.editCaption(g.prompt()), g.seed(), g.frames(),
                g.sampling(), g.source(), null);
        Run run = new Run(marked, l, out, (frames + half - 1) / half);
        for (int w = 0, from = 0; from < frames; w++, from += half) {
            int n = Math.min(half, frames - from);
            // the source span is the context and the model writes it again: its n new frames land where the
            // span stands in the source, so the window's frame 0 sits n frames earlier in out
            run.window(w, source, new Window(from, n, n, from - n, null));
        }
        return out;
    }

    /**
     * Remakes a clip under a new prompt, keeping what the prompt does not change. A flow maps every clip to the
     * noise it would be made from, exactly: the source, pushed forward under the caption it was made with, gives
     * its noise, and running that noise backwards under the new prompt gives the remix. Where the object
     * stands, how it moves and when live in the noise and stay; what the captions disagree on changes. The
     * noise is scaled by the temperature like sampled noise: at 1, under the same caption and with no guidance,
     * the remix is the source again (before denoising); lower keeps less of the source's detail and more of
     * what the model is sure of (a decoded MP4 remixed at 1 can drift off).
     * <p>
     * A clip longer than the training length is remixed window by window as a long clip is made: each window's
     * noise comes from the source, its context from the frames already remixed.
     */
    private float[] remixed(Generation g, SampleListener l) {
        float[] source = model.wholeFrames(g.source(), "remix needs a source clip");
        int frames = source.length / spec.dims(1);
        int total = space.flowFrames(frames);
        float[] sourceFlow = space.encode(source, frames);
        float[] flow = new float[total * space.plane()];
        List<Window> windows = Window.tiling(total, 0, space.flowFrames(spec.frames()));
        Run run = new Run(g, l, flow, windows.size());
        for (int w = 0; w < windows.size(); w++) {
            Window span = windows.get(w);
            float[] noise = noiseOf(sourceFlow, span.from(), span.context() + span.fresh(), g, run.rng);
            run.window(w, flow, span.withNoise(noise));
        }
        return space.decode(flow, total, 0, frames);
    }

    /**
     * The noise {@code count} frames of a clip (in the flow's space: pixels, or latents) from {@code from} map to
     * under the source caption (noise-augmented first, as in training), times the temperature.
     */
    private float[] noiseOf(float[] clip, int from, int count, Generation g, Random rng) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int plane = Math.toIntExact(model.flowDims(1));
            NDArray x = Tensors.of(model.manager(), Arrays.copyOfRange(clip, from * plane, (from + count) * plane), flowShape(count));
            x = NoiseAugmentation.apply(x, model.flow().config().noiseStd(), rng);
            String caption = g.sampling().windowCaption(g.sourceCaption(), from);
            return Scalar.mul(model.flow().forward(x, model.encode(List.of(caption))).z(), g.sampling().temperature())
                    .toFloatArray();
        }
    }

    /** The shape of {@code count} frames in the flow's space: pixels, or latents. */
    private Shape flowShape(int count) {
        var f = model.flow().config();
        return new Shape(1, count, f.inChannels(), f.imgSize(), f.imgSize());
    }

    /** Frames {@code from} .. {@code from + count} of a clip as one [1, count, C, H, W] array. */
    private NDArray frames(float[] clip, int from, int count) {
        int plane = spec.dims(1);
        return Tensors.of(model.manager(), Arrays.copyOfRange(clip, from * plane, (from + count) * plane),
                new Shape(1, count, spec.channels(), spec.size(), spec.size()));
    }

    /**
     * One window of a clip made window by window: {@code context} known frames from frame {@code from} of the
     * clip it reads, then {@code fresh} new ones. The window's frame 0 stands at frame {@code at} of the result,
     * so the new frames go to {@code at + context}. It starts from {@code noise} ([context + fresh] frames) when
     * given, else from fresh Gaussian noise at the temperature.
     */
    record Window(int from, int context, int fresh, int at, float[] noise) {

        Window withNoise(float[] n) {
            return new Window(from, context, fresh, at, n);
        }

        /**
         * The windows of a clip of {@code frames} whose first {@code given} frames are known: each takes up to half
         * a window of frames already there as context and adds new ones up to the {@code length} of a window.
         */
        static List<Window> tiling(int frames, int given, int length) {
            int overlap = Math.max(1, length / 2);
            List<Window> windows = new ArrayList<>();
            for (int have = given; have < frames; ) {
                int context = Math.min(have, overlap);
                int fresh = Math.min(length - context, frames - have);
                windows.add(new Window(have - context, context, fresh, have - context, null));
                have += fresh;
            }
            return windows;
        }
    }

    /** How many windows a clip of {@code frames} with {@code given} opening frames is made in, for windows of {@code length}. */
    static int windowsFor(int frames, int given, int length) {
        return Window.tiling(frames, given, length).size();
    }

    /**
     * Where the flow makes a clip: in its pixels, or in a latent model's latent frames (the first pixel frame alone,
     * then {@code temporal} pixel frames a latent frame). Windows, context and noise are counted in the flow's
     * frames; the caller and the listener get pixel frames.
     */
    private interface Space {
        /** Values in one of the flow's frames. */
        int plane();

        /** The flow's frames for a clip of {@code frames} pixel frames. */
        int flowFrames(int frames);

        /** The first pixel frame that the flow's frame {@code f} decodes to. */
        int firstPixel(int f);

        /** The flow's values for the first {@code frames} pixel frames of {@code clip}. */
        float[] encode(float[] clip, int frames);

        /** Pixel frames {@code first} .. {@code first + count} of what the first {@code flowFrames} frames of {@code flow} decode to. */
        float[] decode(float[] flow, int flowFrames, int first, int count);

        /** The pixel frames of flow frame {@code at}, made as {@code values}, after the frames before it in {@code flow}. */
        float[] draft(float[] flow, int at, float[] values);
    }

    /** The flow makes pixels: nothing to encode or decode. */
    private final class Pixels implements Space {
        @Override
        public int plane() {
            return spec.dims(1);
        }

        @Override
        public int flowFrames(int frames) {
            return frames;
        }

        @Override
        public int firstPixel(int f) {
            return f;
        }

        @Override
        public float[] encode(float[] clip, int frames) {
            return Arrays.copyOf(clip, frames * plane());
        }

        @Override
        public float[] decode(float[] flow, int flowFrames, int first, int count) {
            return Arrays.copyOfRange(flow, first * plane(), (first + count) * plane());
        }

        @Override
        public float[] draft(float[] flow, int at, float[] values) {
            return values;
        }
    }

    /** The flow makes a causal video autoencoder's latents; the decoder reads every latent frame up to the one shown. */
    private final class Latents implements Space {
        private final AutoencoderConfig ae = model.autoencoder().orElseThrow().config();

        @Override
        public int plane() {
            return Math.toIntExact(model.flowDims(1));
        }

        @Override
        public int flowFrames(int frames) {
            return ae.latentFrames(frames);
        }

        @Override
        public int firstPixel(int f) {
            return f == 0 ? 0 : ae.frames(f);
        }

        @Override
        public float[] encode(float[] clip, int frames) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                return model.toFlow(frames(clip, 0, frames)).toFloatArray();
            }
        }

        @Override
        public float[] decode(float[] flow, int flowFrames, int first, int count) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int h = spec.size() / ae.spatial();
                NDArray z = Tensors.of(model.manager(), Arrays.copyOf(flow, flowFrames * plane()),
                        new Shape(1, flowFrames, ae.latentChannels(), h, h));
                float[] all = model.fromFlow(z).toFloatArray();
                int pixels = spec.dims(1);
                return Arrays.copyOfRange(all, first * pixels, (first + count) * pixels);
            }
        }

        @Override
        public float[] draft(float[] flow, int at, float[] values) {
            float[] upTo = Arrays.copyOf(flow, (at + 1) * plane());
            System.arraycopy(values, 0, upTo, at * plane(), plane());
            return decode(upTo, at + 1, firstPixel(at), firstPixel(at + 1) - firstPixel(at));
        }
    }

    /** One clip being made: its request, listener, result (in the flow's space), and the random stream every window draws from. */
    private final class Run {
        final Generation g;
        final SampleListener listener;
        final float[] out;
        final int windows;
        final Random rng;

        Run(Generation g, SampleListener listener, float[] out, int windows) {
            this.g = g;
            this.listener = listener;
            this.out = out;
            this.windows = windows;
            this.rng = new Random(g.seed());
        }

        /**
         * Window {@code index}, reading its context from {@code clip} (in the flow's space); its new frames go into
         * the result. The listener hears pixel frames: drafts as soon as the flow has made each frame, then the
         * window's new frames.
         */
        void window(int index, float[] clip, Window w) {
            int plane = space.plane();
            int first = w.at() + w.context();
            StarFlow.Progress progress = (done, total, frac) -> listener.progress((index + (done + frac) / total) / windows);
            StarFlow.FrameDrafts drafts = !listener.wantsFrames() ? null : (frame, data) -> {
                int at = w.at() + frame;
                int from = space.firstPixel(at);
                listener.frames(from, space.firstPixel(at + 1) - from, space.draft(out, at, data.toFloatArray()), true);
            };
            float[] made = invert(w.context() == 0 ? null
                    : Arrays.copyOfRange(clip, w.from() * plane, (w.from() + w.context()) * plane), w, progress, drafts);
            float[] fresh = Arrays.copyOfRange(made, w.context() * plane, (w.context() + w.fresh()) * plane);
            if (g.sampling().denoise() && space instanceof Pixels) {
                // the temporal half of denoising, each new frame against the result's frame before it
                fresh = new NoiseGate(spec.channels(), spec.size(), spec.size(), model.flow().config().noiseStd(),
                        g.sampling().temperature())
                        .apply(fresh, first == 0 ? null : Arrays.copyOfRange(out, (first - 1) * plane, first * plane));
            }
            System.arraycopy(fresh, 0, out, first * plane, w.fresh() * plane);
            if (listener.wantsFrames()) {
                int from = space.firstPixel(first);
                int count = space.firstPixel(first + w.fresh()) - from;
                listener.frames(from, count, space.decode(out, first + w.fresh(), from, count), false);
            }
        }

        /**
         * The window's frames in the flow's space, from its clean context frames' values (null: none) and its
         * noise.
         */
        private float[] invert(float[] context, Window w, StarFlow.Progress progress, StarFlow.FrameDrafts drafts) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDManager manager = model.manager();
                Sampling s = g.sampling();
                Shape shape = flowShape(w.context() + w.fresh());
                NDArray z = w.noise() != null ? Tensors.of(manager, w.noise(), shape)
                        : NoiseAugmentation.gaussian(manager.zeros(shape), s.temperature(), rng);
                TextFeatures y = model.encode(List.of(g.mode() == Generation.Mode.EDIT ? g.prompt()
                        : s.windowCaption(g.prompt(), w.from())));
                TextFeatures yEmpty = s.guidance() > 0 ? model.encode(List.of(s.unconditionalCaption(g.mode()))) : null;
                ReverseOptions options = ReverseOptions.of(s.method()).withProgress(progress).withDrafts(drafts);
                if (context != null) {
                    options = options.withContext(NoiseAugmentation.apply(Tensors.of(manager, context, flowShape(w.context())),
                            model.flow().config().noiseStd(), rng));
                }
                // an edit's result follows its source, which predicts it (as the model was trained on such pairs)
                boolean edit = g.mode() == Generation.Mode.EDIT;
                if (edit) {
                    options = options.withEditResult();
                }
                NDArray x = model.flow().reverse(z, new Conditioning(y, yEmpty, s.guidance()), options);
                if (s.denoise() && model.flow().config().noiseStd() > 0) {
                    x = model.flow().denoise(x, y, edit ? w.context() : 0);
                }
                return x.toFloatArray();
            }
        }
    }
}
