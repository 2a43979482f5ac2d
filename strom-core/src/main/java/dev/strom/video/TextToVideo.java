package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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

    /** Options for one generated clip. */
    public record Generation(String prompt, long seed, float guidance, int frames, InverseMethod method,
                             boolean denoise, float temperature) {
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
    }

    /** Generates one clip [T, C, H, W] in [-1, 1] (not clamped). */
    public float[] generate(Generation g, StarFlow.Progress progress) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Random rng = new Random(g.seed());
            Shape shape = new Shape(1, g.frames(), spec.channels(), spec.size(), spec.size());
            NDArray z = NoiseAugmentation.gaussian(manager.zeros(shape), g.temperature(), rng);
            NDArray y = text.encode(manager, List.of(g.prompt()));
            NDArray yEmpty = g.guidance() > 0 ? text.encode(manager, List.of("")) : null;
            NDArray x = flow.reverse(z, y, yEmpty, g.guidance(), g.method(), progress);
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
                float[] c = clips.get(i);
                for (int j = 0; j < d; j++) {
                    all[i * d + j] = c[j] + (float) (rng.nextDouble() / 127.5);
                }
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
        int d = spec.dims(frames);
        float[] all = new float[clips.size() * d];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(clips.get(i), 0, all, i * d, d);
        }
        NDArray x = manager.create(all, new Shape(clips.size(), frames, spec.channels(), spec.size(), spec.size()));
        x = NoiseAugmentation.apply(x, flow.config().noiseStd(), rng);
        NDArray y = text.encode(manager, new CaptionDropout(captionDrop).apply(captions, rng));
        ForwardPass pass = flow.forward(x, y);
        if (nllOut != null) {
            nllOut[0] = pass.loss().getFloat();
        }
        return FlowLoss.training(pass, flow.config());
    }

    @Override
    public void close() {
        flow.close();
        textParameters.close();
    }
}
