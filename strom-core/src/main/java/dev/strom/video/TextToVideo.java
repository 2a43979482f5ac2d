package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.ForwardPass;
import dev.strom.flow.InverseMethod;
import dev.strom.flow.StarFlow;
import dev.strom.flow.train.CaptionDropout;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.text.HashedTextEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A text-to-video model: the text encoder, the flow, and the clip format they were trained on. Clips go
 * in and out as float arrays in the model layout [T, C, H, W] with values in [-1, 1].
 */
public final class TextToVideo implements AutoCloseable {

    private final StarFlow flow;
    private final HashedTextEncoder text;
    private final dev.strom.tensor.Parameters textParameters;
    private final VideoSpec spec;
    private final NDManager manager;

    public TextToVideo(StarFlow flow, HashedTextEncoder text, dev.strom.tensor.Parameters textParameters,
                       VideoSpec spec, NDManager manager) {
        this.textParameters = textParameters;
        if (flow.config().txtDim() != text.dim()) {
            throw new IllegalArgumentException("text encoder dim " + text.dim() + " != flow txt_dim " + flow.config().txtDim());
        }
        if (flow.config().imgSize() != spec.size() || flow.config().inChannels() != spec.channels()) {
            throw new IllegalArgumentException("flow latent size does not match the video spec");
        }
        this.flow = flow;
        this.text = text;
        this.spec = spec;
        this.manager = manager;
    }

    public StarFlow flow() {
        return flow;
    }

    public HashedTextEncoder text() {
        return text;
    }

    public VideoSpec spec() {
        return spec;
    }

    /** Every trainable parameter (flow and text encoder). */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new java.util.LinkedHashMap<>(flow.parameters().all());
        all.putAll(textParameters.all());
        return all;
    }

    /** The text encoder's parameters ("text_encoder.*"). */
    public dev.strom.tensor.Parameters textParameters() {
        return textParameters;
    }

    /**
     * Options for one generated clip.
     *
     * @param frames  frames of the result, the context included; more than the model was trained on are made
     *                window by window (see {@link #generate})
     * @param context frames in model layout [K, C, H, W] that open the video and are kept as they are: the
     *                still of image-to-video, the clip being extended; null for text-to-video
     */
    public record Generation(String prompt, long seed, float guidance, int frames, InverseMethod method,
                             boolean denoise, float temperature, float[] context) {
        public Generation {
            if (prompt == null || prompt.isBlank()) {
                throw new IllegalArgumentException("prompt must not be empty");
            }
            if (frames <= 0) {
                throw new IllegalArgumentException("frames must be positive, got " + frames);
            }
            if (!(guidance >= 0) || Float.isInfinite(guidance)) {
                throw new IllegalArgumentException("guidance must be a finite number >= 0");
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("temperature must be > 0");
            }
        }

        /** Text-to-video: no context frames. */
        public Generation(String prompt, long seed, float guidance, int frames, InverseMethod method,
                          boolean denoise, float temperature) {
            this(prompt, seed, guidance, frames, method, denoise, temperature, null);
        }
    }

    /**
     * Receives frames [count, C, H, W] from frame {@code first} while a clip is made: each frame first as a draft
     * as soon as the flow has made it and the three before it (before the window's denoising step), then, when its
     * window is done, as final frames, in order.
     */
    @FunctionalInterface
    public interface FrameSink {
        void accept(int first, int count, float[] frames, boolean draft);
    }

    /** Generates one clip [T, C, H, W] in [-1, 1] (not clamped). */
    public float[] generate(Generation g, StarFlow.Progress progress) {
        return generate(g, progress, null);
    }

    /**
     * Generates one clip [T, C, H, W] in [-1, 1] (not clamped), handing frames to {@code sink} as they are done.
     *
     * <p>A clip longer than the model's training length is made in windows of that length, as STARFlow-V
     * extends videos: each window after the first starts from the last half-window of frames already made
     * (context, pushed through the flow to fill the caches) and adds the rest, so the cost per frame stays
     * the same however long the clip. Context frames are noise-augmented like training inputs before the
     * model sees them, and appear in the result unchanged.
     */
    public float[] generate(Generation g, StarFlow.Progress progress, FrameSink sink) {
        int plane = spec.dims(1);
        int given = g.context() == null ? 0 : g.context().length / plane;
        if (g.context() != null && (g.context().length % plane != 0 || given == 0 || given >= g.frames())) {
            throw new IllegalArgumentException("context must hold between 1 and " + (g.frames() - 1) + " whole frames of "
                    + spec.size() + "x" + spec.size() + " RGB");
        }
        int window = spec.frames();
        int overlap = Math.max(1, window / 2);
        float[] out = new float[g.frames() * plane];
        if (given > 0) {
            System.arraycopy(g.context(), 0, out, 0, given * plane);
        }
        Random rng = new Random(g.seed());
        List<Span> spans = spans(g.frames(), given, window, overlap);
        Windows windows = new Windows(spans.size(), progress, sink);
        for (int w = 0; w < spans.size(); w++) {
            Span span = spans.get(w);
            sampleWindow(g, rng, out, span.start(), span.context(), span.fresh(), out, span.start(), w, windows, null);
        }
        return out;
    }

    /** STARFlow-V's caption prefix for video-to-video examples: source frames first, then the edited frames. */
    public static final String EDIT_MARKER = "(v2v) ";

    /** The caption an edit example is trained and sampled with. */
    public static String editCaption(String instruction) {
        return EDIT_MARKER + instruction;
    }

    /**
     * Edits a clip as the model was trained to (source-prefix scheme): the source goes in half a training
     * window at a time as context, and the model writes the same span again under the instruction. Only the
     * written frames are returned, as many as the source has.
     *
     * @param g the instruction as prompt, and the source clip as context; {@code g.frames()} is ignored
     */
    public float[] edit(Generation g, StarFlow.Progress progress, FrameSink sink) {
        int plane = spec.dims(1);
        float[] source = source(g, "edit");
        int frames = source.length / plane;
        int half = Math.max(1, spec.frames() / 2);
        Windows windows = new Windows((frames + half - 1) / half, progress, sink);
        float[] out = new float[source.length];
        Random rng = new Random(g.seed());
        Generation marked = new Generation(editCaption(g.prompt()), g.seed(), g.guidance(), g.frames(), g.method(),
                g.denoise(), g.temperature(), null);
        for (int w = 0, from = 0; from < frames; w++, from += half) {
            int n = Math.min(half, frames - from);
            // the source span is the context and the model writes it again: its n new frames land where the
            // span stands in the source, so the window's frame 0 sits n frames earlier in out
            sampleWindow(marked, rng, source, from, n, n, out, from - n, w, windows, null);
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
     * A clip longer than the training length is remixed window by window as {@link #generate} makes one: each
     * window's noise comes from the source, its context from the frames already remixed.
     *
     * @param g             the new prompt, and the source clip as context; {@code g.frames()} is ignored
     * @param sourceCaption the caption the source was made with or is best described by; "" when unknown
     */
    public float[] remix(Generation g, String sourceCaption, StarFlow.Progress progress, FrameSink sink) {
        int plane = spec.dims(1);
        float[] source = source(g, "remix");
        if (sourceCaption == null) {
            throw new IllegalArgumentException("the source caption must not be null (\"\" when unknown)");
        }
        int frames = source.length / plane;
        float[] out = new float[source.length];
        Random rng = new Random(g.seed());
        List<Span> spans = spans(frames, 0, spec.frames(), Math.max(1, spec.frames() / 2));
        Windows windows = new Windows(spans.size(), progress, sink);
        for (int w = 0; w < spans.size(); w++) {
            Span span = spans.get(w);
            float[] noise = noiseOf(source, span.start(), span.context() + span.fresh(), sourceCaption, g.temperature(), rng);
            sampleWindow(g, rng, out, span.start(), span.context(), span.fresh(), out, span.start(), w, windows, noise);
        }
        return out;
    }

    /**
     * The noise {@code count} frames of a clip from {@code from} map to under a caption (noise-augmented first, as
     * in training), times the temperature.
     */
    private float[] noiseOf(float[] clip, int from, int count, String caption, float temperature, Random rng) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int plane = spec.dims(1);
            NDArray x = manager.create(java.util.Arrays.copyOfRange(clip, from * plane, (from + count) * plane),
                    new Shape(1, count, spec.channels(), spec.size(), spec.size()));
            x = NoiseAugmentation.apply(x, flow.config().noiseStd(), rng);
            return flow.forward(x, text.encode(manager, List.of(caption))).z().mul(temperature).toFloatArray();
        }
    }

    /** The clip an edit or a remix starts from ({@code g.context()}): whole frames at the model's size, at least one. */
    private float[] source(Generation g, String mode) {
        return wholeFrames(g.context(), mode + " needs a source clip");
    }

    /** {@code clip} if it holds at least one whole frame at the model's size and nothing more, else "{@code what} of whole ... frames". */
    private float[] wholeFrames(float[] clip, String what) {
        if (clip == null || clip.length == 0 || clip.length % spec.dims(1) != 0) {
            throw new IllegalArgumentException(what + " of whole " + spec.size() + "x" + spec.size() + " frames");
        }
        return clip;
    }

    /** How many windows {@link #generate} runs for a clip of {@code frames} with {@code given} context frames. */
    static int windowsFor(int frames, int given, int window, int overlap) {
        return spans(frames, given, window, overlap).size();
    }

    /** One window of a clip made (or scored) window by window: {@code context} known frames from {@code start}, then {@code fresh} more. */
    private record Span(int start, int context, int fresh) {
    }

    /**
     * The windows of a clip of {@code frames} whose first {@code given} frames are known: each takes up to
     * {@code overlap} frames already there as context and adds new ones up to the {@code window} length.
     */
    private static List<Span> spans(int frames, int given, int window, int overlap) {
        List<Span> spans = new ArrayList<>();
        for (int have = given; have < frames; ) {
            int context = Math.min(have, overlap);
            int fresh = Math.min(window - context, frames - have);
            spans.add(new Span(have - context, context, fresh));
            have += fresh;
        }
        return spans;
    }

    /** A run of windows: how many, and who hears of progress and frames. */
    private record Windows(int count, StarFlow.Progress progress, FrameSink sink) {
    }

    /**
     * One window: {@code context} known frames of {@code clip} from {@code from}, then {@code fresh} new ones.
     * The window's frame 0 stands at frame {@code at} of {@code out}, so the new frames go to {@code at + context};
     * window {@code index} of {@code windows} reports its progress and frames there. The window starts from
     * {@code noise} ([context + fresh] frames) when given, else from fresh Gaussian noise at the temperature.
     */
    private void sampleWindow(Generation g, Random rng, float[] clip, int from, int context, int fresh, float[] out,
                              int at, int index, Windows windows, float[] noise) {
        int plane = spec.dims(1);
        int first = at + context;
        StarFlow.Progress progress = windows.progress() == null ? null
                : (done, total, frac) -> windows.progress().update(index * total + done, windows.count() * total, frac);
        StarFlow.FrameDrafts drafts = windows.sink() == null ? null
                : (frame, data) -> windows.sink().accept(at + frame, 1, data.toFloatArray(), true);
        float[] made = sampleWindow(g, rng, clip, from, context, fresh, progress, drafts, noise);
        System.arraycopy(made, context * plane, out, first * plane, fresh * plane);
        if (windows.sink() != null) {
            windows.sink().accept(first, fresh, java.util.Arrays.copyOfRange(out, first * plane, (first + fresh) * plane), false);
        }
    }

    private float[] sampleWindow(Generation g, Random rng, float[] clip, int from, int context, int fresh,
                                 StarFlow.Progress progress, StarFlow.FrameDrafts drafts, float[] noise) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int plane = spec.dims(1);
            Shape shape = new Shape(1, context + fresh, spec.channels(), spec.size(), spec.size());
            NDArray z = noise != null ? manager.create(noise, shape)
                    : NoiseAugmentation.gaussian(manager.zeros(shape), g.temperature(), rng);
            NDArray y = text.encode(manager, List.of(g.prompt()));
            NDArray yEmpty = g.guidance() > 0 ? text.encode(manager, List.of("")) : null;
            NDArray known = null;
            if (context > 0) {
                float[] frames = java.util.Arrays.copyOfRange(clip, from * plane, (from + context) * plane);
                known = NoiseAugmentation.apply(manager.create(frames, new Shape(1, context, spec.channels(), spec.size(), spec.size())),
                        flow.config().noiseStd(), rng);
            }
            NDArray x = flow.reverse(z, y, yEmpty, g.guidance(), g.method(), progress, known, drafts);
            if (g.denoise() && flow.config().noiseStd() > 0) {
                x = flow.denoiser() != null ? flow.denoiser().denoise(x, y, flow.rope()) : flow.denoiseWithScore(x, y);
            }
            return x.toFloatArray();
        }
    }

    /**
     * Exact bits per dimension of 8-bit clips under the model (uniform dequantisation with a seeded
     * offset), conditional on the prompt, or on the empty caption when the prompt is null.
     *
     * @param clips each [T, C, H, W] in [-1, 1], on the 8-bit grid
     */
    public double[] bitsPerDim(List<float[]> clips, int frames, List<String> prompts, long seed) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Random rng = new Random(seed);
            int d = spec.dims(frames);
            float[] all = new float[clips.size() * d];
            for (int i = 0; i < clips.size(); i++) {
                dequantise(clips.get(i), d, rng, all, i * d);
            }
            NDArray x = manager.create(all, new Shape(clips.size(), frames, spec.channels(), spec.size(), spec.size()));
            List<String> p = new ArrayList<>();
            for (int i = 0; i < clips.size(); i++) {
                p.add(prompts == null || prompts.get(i) == null ? "" : prompts.get(i));
            }
            NDArray y = text.encode(manager, p);
            float[] loss = flow.forward(x, y).lossPerSample().toFloatArray();
            double[] bpd = new double[loss.length];
            for (int i = 0; i < loss.length; i++) {
                bpd[i] = FlowLoss.bitsPerDim(loss[i]);
            }
            return bpd;
        }
    }

    /**
     * Exact bits per dimension of one 8-bit clip of any length under the model, given the prompt (null: the
     * empty caption). Up to the training length this is {@link #bitsPerDim}; a longer clip is scored under the
     * density the model samples long videos from ({@link #generate}): the first window, then each later window's
     * new frames given its context frames. The flow is causal in time, so those conditionals are exact and come
     * out of one pass over the window ({@link ForwardPass#lossPerFrame}). The cost grows linearly with the clip's
     * length.
     *
     * @param clip [T, C, H, W] in [-1, 1], on the 8-bit grid
     */
    public double bitsPerDim(float[] clip, String prompt, long seed) {
        int plane = spec.dims(1);
        if (clip.length == 0 || clip.length % plane != 0) {
            throw new IllegalArgumentException("a clip must hold whole " + spec.size() + "x" + spec.size() + " RGB frames");
        }
        int frames = clip.length / plane;
        int window = spec.frames();
        if (frames <= window) {
            return bitsPerDim(List.of(clip), frames, java.util.Collections.singletonList(prompt), seed)[0];
        }
        // one dequantisation of the whole clip, so every window scores the same values
        float[] x = new float[clip.length];
        dequantise(clip, clip.length, new Random(seed), x, 0);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray y = text.encode(manager, List.of(prompt == null ? "" : prompt));
            double bits = 0;
            for (Span span : spans(frames, 0, window, Math.max(1, window / 2))) {
                bits += bits(x, span.start(), span.context(), span.fresh(), y);
            }
            return bits / clip.length;
        }
    }

    /**
     * Total bits of the {@code fresh} frames after the {@code context} frames from {@code from} of an already
     * dequantised clip, given those context frames, in a window of their own.
     */
    private double bits(float[] x, int from, int context, int fresh, NDArray y) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int plane = spec.dims(1);
            int count = context + fresh;
            NDArray frames = manager.create(java.util.Arrays.copyOfRange(x, from * plane, (from + count) * plane),
                    new Shape(1, count, spec.channels(), spec.size(), spec.size()));
            float[] perFrame = flow.forward(frames, y).lossPerFrame().toFloatArray();
            double bits = 0;
            for (int t = context; t < count; t++) {
                bits += FlowLoss.bitsPerDim(perFrame[t]) * plane;
            }
            return bits;
        }
    }

    /** Uniform dequantisation of the first n 8-bit values: adds [0, 1/127.5) offsets drawn from rng, into out from at. */
    private static void dequantise(float[] clip, int n, Random rng, float[] out, int at) {
        for (int j = 0; j < n; j++) {
            out[at + j] = clip[j] + (float) (rng.nextDouble() / 127.5);
        }
    }

    /**
     * {@link #bitsPerDim} over many clips, {@code batch} at a time to bound memory; each batch draws its
     * dequantisation offsets from the same seed.
     */
    public double[] bitsPerDimInBatches(List<float[]> clips, int frames, List<String> prompts, long seed, int batch) {
        double[] out = new double[clips.size()];
        for (int i = 0; i < clips.size(); i += batch) {
            int to = Math.min(clips.size(), i + batch);
            double[] part = bitsPerDim(clips.subList(i, to), frames, prompts == null ? null : prompts.subList(i, to), seed);
            System.arraycopy(part, 0, out, i, part.length);
        }
        return out;
    }

    /**
     * The training objective for a batch of clean clips and captions: noise augmentation, caption dropout,
     * forward pass. Returns the loss (inside the caller's gradient tape) and the unweighted per-dim NLL.
     */
    public NDArray trainingLoss(List<float[]> clips, int frames, List<String> captions, float captionDrop, Random rng,
                                double[] nllOut) {
        NDArray x = NoiseAugmentation.apply(batchOf(clips, frames), flow.config().noiseStd(), rng);
        NDArray y = text.encode(manager, new CaptionDropout(captionDrop).apply(captions, rng));
        ForwardPass pass = flow.forward(x, y);
        if (nllOut != null) {
            nllOut[0] = pass.loss().getFloat();
        }
        return FlowLoss.training(pass, flow.config());
    }

    /**
     * What {@link #captionContrast} returns: the training loss under the true captions, the contrast term, and
     * the log-likelihoods it came from [clips, K] (true caption first).
     */
    public record Contrast(NDArray loss, NDArray crossEntropy, NDArray logLikelihoods) {

        /** The share of clips whose own caption is more likely than each of the wrong ones (a tie is a miss). */
        public double accuracy() {
            NDArray own = logLikelihoods.get(":, 0");
            NDArray bestWrong = logLikelihoods.get(":, 1:").max(new int[]{1});
            return own.gt(bestWrong).toType(DataType.FLOAT32, false).mean().getFloat();
        }
    }

    /**
     * The likelihood objective plus caption contrast ({@link FlowLoss#captionContrast}) for clips, each with K
     * candidate captions, its own first. All of a clip's candidates see the same noise augmentation, so they
     * differ only in the caption; no caption dropout (the captions are the point). The contrast reads frames
     * {@code scoredFrom} onward, each given the true frames before it: from 0 it asks which caption made the whole
     * clip; from a later frame, which caption the clip's continuation follows once its opening is seen (where a
     * whole-clip contrast is already decided by the opening and would teach the later frames nothing).
     * {@code nllOut[0]} gets the per-dim NLL of the whole clips under the true captions.
     */
    public Contrast captionContrast(List<float[]> clips, int frames, int scoredFrom, List<List<String>> candidates,
                                    Random rng, double[] nllOut) {
        int k = candidates.get(0).size();
        if (k < 2 || candidates.size() != clips.size() || candidates.stream().anyMatch(c -> c.size() != k)) {
            throw new IllegalArgumentException("caption contrast needs the same number (>= 2) of candidates for every clip");
        }
        if (scoredFrom < 0 || scoredFrom >= frames) {
            throw new IllegalArgumentException("caption contrast must score frames from 0.." + (frames - 1) + ", not " + scoredFrom);
        }
        NDArray x = NoiseAugmentation.apply(batchOf(clips, frames), flow.config().noiseStd(), rng).repeat(0, k);
        NDArray y = text.encode(manager, candidates.stream().flatMap(List::stream).toList());
        ForwardPass pass = flow.forward(x, y);
        NDArray perSample = pass.lossPerSample();
        // rows come clip by clip, the true caption first
        NDArray nll = perSample.reshape(clips.size(), k).get(":, 0");
        if (nllOut != null) {
            nllOut[0] = nll.mean().getFloat();
        }
        NDArray scored = scoredFrom == 0 ? perSample : pass.lossPerFrame().get(":, " + scoredFrom + ":").mean(new int[]{1});
        NDArray logLikelihoods = FlowLoss.captionLogLikelihoods(scored, spec.dims(frames - scoredFrom), k);
        return new Contrast(FlowLoss.training(nll, pass, flow.config()), FlowLoss.captionContrast(logLikelihoods),
                logLikelihoods);
    }

    /** Captions read together in one forward pass by {@link #captionPosterior}. */
    private static final int CAPTIONS_PER_PASS = 8;

    /**
     * Zero-shot reading of a clip: which of the given captions the model finds it was made from, as P(caption |
     * clip) under a uniform prior over them (Bayes' rule on the likelihoods). The model's density is that of
     * noise-augmented clips (it trains and samples on x + sigma e), so a clip's log-likelihood under a caption is
     * the mean over {@code draws} noise draws of the exact log-likelihood of x + sigma e (a lower bound on that of
     * the noise-smoothed density, and steadier than the log of the mean, which one draw dominates), every caption
     * read with the same draws so that they differ only in the words. On clean 8-bit pixels the likelihood weighs
     * the words far less.
     *
     * @param clip  [T, C, H, W] in [-1, 1], at the model's size; at most the model's training length is read
     * @param draws noise draws to average over, at least 1
     * @return one probability per caption, in the order given, summing to 1
     */
    public double[] captionPosterior(float[] clip, List<String> captions, int draws, long seed) {
        return captionPosterior(clip, 0, captions, draws, seed);
    }

    /**
     * As {@link #captionPosterior(float[], List, int, long)}, reading only frames {@code scoredFrom} onward, each
     * given the frames before it: which caption the rest of a clip follows once its opening is seen (from frame 0
     * the opening decides most of a whole-clip reading).
     */
    public double[] captionPosterior(float[] clip, int scoredFrom, List<String> captions, int draws, long seed) {
        int plane = spec.dims(1);
        wholeFrames(clip, "reading captions needs a clip");
        if (captions.size() < 2) {
            throw new IllegalArgumentException("at least two captions are needed to choose between, got " + captions.size());
        }
        if (draws < 1) {
            throw new IllegalArgumentException("at least one noise draw is needed, got " + draws);
        }
        int frames = Math.min(clip.length / plane, spec.frames());
        if (scoredFrom < 0 || scoredFrom >= frames) {
            throw new IllegalArgumentException("the frames read must start within the clip's " + frames + ", not at " + scoredFrom);
        }
        float[] read = java.util.Arrays.copyOf(clip, frames * plane);
        // log p(x + sigma e_d | caption), per draw d and caption, of the frames read given those before
        double[][] logLik = new double[draws][captions.size()];
        Random rng = new Random(seed);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray clean = batchOf(List.of(read), frames);
            for (int d = 0; d < draws; d++) {
                NDArray x = NoiseAugmentation.apply(clean, flow.config().noiseStd(), rng);
                for (int from = 0; from < captions.size(); from += CAPTIONS_PER_PASS) {
                    List<String> group = captions.subList(from, Math.min(captions.size(), from + CAPTIONS_PER_PASS));
                    ForwardPass pass = flow.forward(x.repeat(0, group.size()), text.encode(manager, group));
                    float[] nll = (scoredFrom == 0 ? pass.lossPerSample()
                            : pass.lossPerFrame().get(":, " + scoredFrom + ":").mean(new int[]{1})).toFloatArray();
                    for (int i = 0; i < nll.length; i++) {
                        logLik[d][from + i] = -(double) nll[i] * spec.dims(frames - scoredFrom);
                    }
                }
            }
        }
        double[] logMean = new double[captions.size()];
        for (double[] l : logLik) {
            for (int c = 0; c < logMean.length; c++) {
                logMean[c] += l[c] / draws;
            }
        }
        return softmax(logMean);
    }

    private static double[] softmax(double[] logits) {
        double max = java.util.Arrays.stream(logits).max().orElseThrow();
        double[] p = java.util.Arrays.stream(logits).map(l -> Math.exp(l - max)).toArray();
        double sum = java.util.Arrays.stream(p).sum();
        return java.util.Arrays.stream(p).map(v -> v / sum).toArray();
    }

    /** Clips of {@code frames} frames each, stacked into one [B, T, C, H, W] array. */
    private NDArray batchOf(List<float[]> clips, int frames) {
        int d = spec.dims(frames);
        float[] all = new float[clips.size() * d];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(clips.get(i), 0, all, i * d, d);
        }
        return manager.create(all, new Shape(clips.size(), frames, spec.channels(), spec.size(), spec.size()));
    }

    @Override
    public void close() {
        flow.close();
        textParameters.close();
    }
}
