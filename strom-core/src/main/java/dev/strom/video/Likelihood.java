package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.ForwardPass;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.train.NoiseAugmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Reads clips with a {@link VideoModel}'s exact likelihood: bits per dimension, and which of several captions a
 * clip was made from.
 */
public final class Likelihood {

    /** Clips scored together in one forward pass by {@link #bitsPerDim(List, int, List, long)}. */
    private static final int CLIPS_PER_PASS = 4;
    /** Captions read together in one forward pass by {@link #captionPosterior}. */
    private static final int CAPTIONS_PER_PASS = 4;

    private final VideoModel model;
    private final VideoSpec spec;

    Likelihood(VideoModel model) {
        this.model = model;
        this.spec = model.spec();
    }

    /**
     * Exact bits per dimension of 8-bit clips under the model (uniform dequantisation with a seeded offset),
     * conditional on their prompts, or on the empty caption where a prompt is null (or {@code prompts} is).
     * Clips are read {@value #CLIPS_PER_PASS} at a time to bound memory, each group's offsets drawn from the same
     * seed.
     *
     * @param clips each [T, C, H, W] in [-1, 1], on the 8-bit grid; the first {@code frames} frames are read
     */
    public double[] bitsPerDim(List<float[]> clips, int frames, List<String> prompts, long seed) {
        double[] out = new double[clips.size()];
        for (int i = 0; i < clips.size(); i += CLIPS_PER_PASS) {
            int to = Math.min(clips.size(), i + CLIPS_PER_PASS);
            double[] part = group(clips.subList(i, to), frames, prompts == null ? null : prompts.subList(i, to), seed);
            System.arraycopy(part, 0, out, i, part.length);
        }
        return out;
    }

    private double[] group(List<float[]> clips, int frames, List<String> prompts, long seed) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Random rng = new Random(seed);
            int d = spec.dims(frames);
            List<float[]> dequantised = new ArrayList<>();
            List<String> p = new ArrayList<>();
            for (int i = 0; i < clips.size(); i++) {
                dequantised.add(dequantise(clips.get(i), d, rng));
                p.add(prompts == null || prompts.get(i) == null ? "" : prompts.get(i));
            }
            float[] loss = model.flow().forward(model.toFlow(model.stack(dequantised, frames)), model.encode(p), model.editFrom(p, frames))
                    .lossPerSample().toFloatArray();
            double[] bpd = new double[loss.length];
            for (int i = 0; i < loss.length; i++) {
                bpd[i] = FlowLoss.bitsPerDim(loss[i]);
            }
            return bpd;
        }
    }

    /**
     * Exact bits per dimension of one 8-bit clip of any length under the model, given the prompt (null: the
     * empty caption). Up to the training length this is {@link #bitsPerDim(List, int, List, long)}; a longer clip
     * is scored under the density the model samples long videos from ({@link Sampler}): the first window, then
     * each later window's new frames given its context frames. The flow is causal in time, so those conditionals
     * are exact and come out of one pass over the window ({@link ForwardPass#lossFrom}). The cost grows linearly
     * with the clip's length.
     *
     * @param clip [T, C, H, W] in [-1, 1], on the 8-bit grid
     */
    public double bitsPerDim(float[] clip, String prompt, long seed) {
        int plane = spec.dims(1);
        if (clip.length == 0 || clip.length % plane != 0) {
            throw new IllegalArgumentException("a clip must hold whole " + spec.size() + "x" + spec.size() + " RGB frames");
        }
        int frames = clip.length / plane;
        if (frames <= spec.frames()) {
            return bitsPerDim(List.of(clip), frames, Collections.singletonList(prompt), seed)[0];
        }
        if (model.autoencoder().isPresent()) {
            throw new IllegalArgumentException("scoring clips longer than " + spec.frames() + " frames is not yet possible with a latent model");
        }
        // one dequantisation of the whole clip, so every window scores the same values
        float[] x = dequantise(clip, clip.length, new Random(seed));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double bits = 0;
            for (Sampler.Window w : Sampler.Window.tiling(frames, 0, spec.frames())) {
                // each window under the caption the sampler makes it under
                TextFeatures y = model.encode(List.of(prompt == null ? "" : model.defaults().windowCaption(prompt, w.from())));
                bits += bits(x, w, y);
            }
            return bits / clip.length;
        }
    }

    /** Total bits of a window's new frames given its context frames, in a pass of their own. */
    private double bits(float[] x, Sampler.Window w, TextFeatures y) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int count = w.context() + w.fresh();
            NDArray frames = model.stack(List.of(Arrays.copyOfRange(x, w.from() * spec.dims(1), (w.from() + count) * spec.dims(1))), count);
            float[] perFrame = model.flow().forward(frames, y).lossPerFrame().toFloatArray();
            double bits = 0;
            for (int t = w.context(); t < count; t++) {
                bits += FlowLoss.bitsPerDim(perFrame[t]) * spec.dims(1);
            }
            return bits;
        }
    }

    /** The first n 8-bit values with uniform dequantisation offsets in [0, 1/127.5) drawn from rng. */
    private static float[] dequantise(float[] clip, int n, Random rng) {
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = clip[j] + (float) (rng.nextDouble() / 127.5);
        }
        return out;
    }

    /**
     * Zero-shot reading of a clip: which of the given captions the model finds it was made from, as P(caption |
     * clip) under a uniform prior over them (Bayes' rule on the likelihoods), reading frames {@code scoredFrom}
     * onward, each given the frames before it (from a later frame: which caption the rest of a clip follows once
     * its opening is seen; from frame 0 the opening decides most of a whole-clip reading).
     * <p>
     * The model's density is that of noise-augmented clips (it trains and samples on x + sigma e), so a clip's
     * log-likelihood under a caption is the mean over {@code draws} noise draws of the exact log-likelihood of
     * x + sigma e (a lower bound on that of the noise-smoothed density, and steadier than the log of the mean,
     * which one draw dominates), every caption read with the same draws so that they differ only in the words.
     * On clean 8-bit pixels the likelihood weighs the words far less.
     *
     * @param clip  [T, C, H, W] in [-1, 1], at the model's size; at most the model's training length is read
     * @param draws noise draws to average over, at least 1
     * @return one probability per caption, in the order given, summing to 1
     */
    public double[] captionPosterior(float[] clip, int scoredFrom, List<String> captions, int draws, long seed) {
        int plane = spec.dims(1);
        model.wholeFrames(clip, "reading captions needs a clip");
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
        // log p(x + sigma e_d | caption), per draw d and caption, of the frames read given those before
        double[][] logLik = new double[draws][captions.size()];
        Random rng = new Random(seed);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray clean = model.toFlow(model.stack(List.of(clip), frames));
            int readFrom = model.flowFrame(scoredFrom);
            long readDims = model.flowDimsFrom(scoredFrom, frames);
            int editFrom = model.editFrom(captions, frames);
            for (int d = 0; d < draws; d++) {
                NDArray x = NoiseAugmentation.apply(clean, model.flow().config().noiseStd(), rng);
                for (int from = 0; from < captions.size(); from += CAPTIONS_PER_PASS) {
                    List<String> group = captions.subList(from, Math.min(captions.size(), from + CAPTIONS_PER_PASS));
                    float[] nll;
                    // each pass in a scope of its own: its activations (attention maps of 8 clips) go as soon as it is read
                    try (NDScope pass = new NDScope()) {
                        pass.suppressNotUsedWarning();
                        nll = model.flow().forward(x.repeat(0, group.size()), model.encode(group), editFrom).lossFrom(readFrom).toFloatArray();
                    }
                    for (int i = 0; i < nll.length; i++) {
                        logLik[d][from + i] = -(double) nll[i] * readDims;
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

    /**
     * Bits of each candidate for what comes next in a clip, given the clip's frames so far, under a caption: does
     * the model's density prefer the true next frame to the last frame held still, or to a step back? A candidate
     * is what the flow codes in one step: one frame, or for a latent model the {@link VideoModel#frameStride} frames
     * of its next latent frame (then the frames so far must end where a latent frame does). Every candidate is read
     * under the same noise draws (mean over {@code draws}), so the candidates differ only in their pixels;
     * differences between candidates are what the figures mean.
     *
     * @param past       [t, C, H, W], 1 <= t < the training length
     * @param candidates each [stride, C, H, W] in [-1, 1]
     * @return bits of each candidate (over the values the flow reads for it), in the order given
     */
    public double[] nextFrameBits(float[] past, List<float[]> candidates, String caption, int draws, long seed) {
        int plane = spec.dims(1);
        int stride = model.frameStride();
        model.wholeFrames(past, "the frames so far must be");
        int t = past.length / plane;
        if (t + stride > spec.frames()) {
            throw new IllegalArgumentException("the frames so far and the next " + stride + " must fit in the model's " + spec.frames());
        }
        if (candidates.isEmpty() || candidates.stream().anyMatch(c -> c.length != stride * plane)) {
            throw new IllegalArgumentException("every candidate must be " + stride + " whole frame" + (stride == 1 ? "" : "s"));
        }
        if (draws < 1) {
            throw new IllegalArgumentException("at least one noise draw is needed, got " + draws);
        }
        int k = candidates.size();
        List<float[]> rows = new ArrayList<>();
        for (float[] c : candidates) {
            float[] row = Arrays.copyOf(past, past.length + c.length);
            System.arraycopy(c, 0, row, past.length, c.length);
            rows.add(row);
        }
        double[] bits = new double[k];
        Random rng = new Random(seed);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray clean = model.toFlow(model.stack(rows, t + stride));
            TextFeatures y = model.encode(Collections.nCopies(k, caption == null ? "" : caption));
            long readDims = model.flowDimsFrom(t, t + stride);
            for (int d = 0; d < draws; d++) {
                float[] nll;
                try (NDScope pass = new NDScope()) {
                    pass.suppressNotUsedWarning();
                    NDArray x = NoiseAugmentation.applyShared(clean, k, model.flow().config().noiseStd(), rng);
                    nll = model.flow().forward(x, y).lossFrom(model.flowFrame(t)).toFloatArray();
                }
                for (int i = 0; i < k; i++) {
                    bits[i] += FlowLoss.bitsPerDim(nll[i]) * readDims / draws;
                }
            }
        }
        return bits;
    }

    private static double[] softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] p = Arrays.stream(logits).map(l -> Math.exp(l - max)).toArray();
        double sum = Arrays.stream(p).sum();
        return Arrays.stream(p).map(v -> v / sum).toArray();
    }
}
