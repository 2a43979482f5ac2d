package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;
import java.util.function.UnaryOperator;

/** Tiny models and inputs shared by the flow tests. */
final class FlowFixtures {

    /** Text length used by every conditioned fixture. */
    static final int TEXT_LENGTH = 3;
    /** Word features a first step's velocity reads (txt_vocab). */
    static final int VOCABULARY = 20;

    private FlowFixtures() {
    }

    /**
     * A small conditioned image model (C=2, 4x4 latent, 3 blocks of 1 layer, width 32 / top 64, head_dim 32,
     * text [L, 8] into the top block only, softplus, final norm, soft clip 4, L2R, noise sigma 0.5) with the
     * given changes.
     */
    static FlowConfig config(UnaryOperator<FlowConfig.Builder> changes) {
        return changes.apply(FlowConfig.builder().inChannels(2).imgSize(4).patchSize(1).channels(32).topChannels(64)
                .layersPerBlock(1, 1, 1).headDim(32).txtSize(4).txtDim(8).condTopOnly(true).softplus(true)
                .finalNorm(true).softClip(4).reversedOrder(false).temporalCausal(0).shallowBlockLocal(false)
                .noiseStd(0.5f)).build();
    }

    /** Conditioned image model: permutations Flip / Identity / Flip, text into the top block only. */
    static FlowConfig imageText() {
        return config(b -> b);
    }

    /** Causal video, shallow blocks see one frame at a time (FlipInBlock / Identity / FlipInBlock), RoPE side 3. */
    static FlowConfig videoFrameLocal() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3));
    }

    /** Frame-local causal video whose deep block also embeds each token's place and frame (pos_embed, 4 frames). */
    static FlowConfig videoWithPlaces() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).positionEmbedding(true).positionFrames(4));
    }

    /** Frame-local causal video whose deep block also reads the last 2 frames around each token (motion_context). */
    static FlowConfig videoWithMotion() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).positionEmbedding(true).positionFrames(4)
                .motionContext(2));
    }

    /** {@link #videoFrameLocal} coded against its motion-compensated prediction (motion_compensation 1). */
    static FlowConfig videoMotionCompensated() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).motionCompensation(1));
    }

    /** As {@link #videoMotionCompensated}, with a deep block that reads the prediction and the last frame. */
    static FlowConfig videoReadingPrediction() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).motionCompensation(1).predictionContext(true));
    }

    /** As {@link #videoReadingPrediction}, with frame 1 coded less the move its text asks of frame 0 (first_step_motion). */
    static FlowConfig videoMovingFirstStep() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).motionCompensation(1).predictionContext(true)
                .firstStepMotion(true).txtVocab(VOCABULARY));
    }

    /** As {@link #videoMovingFirstStep()}, an edit's first result frame its source recoloured as the words say. */
    static FlowConfig videoRecolouringEdits() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).motionCompensation(1).predictionContext(true)
                .firstStepMotion(true).txtVocab(VOCABULARY).editColours(true));
    }

    /** As {@link #videoRecolouringEdits}, and the deep block reads which frames are an edit's result. */
    static FlowConfig videoMarkingEditResults() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).motionCompensation(1).predictionContext(true)
                .firstStepMotion(true).txtVocab(VOCABULARY).editColours(true).editSegment(true));
    }

    /** Causal video whose shallow blocks see the whole clip, and text goes into every block. */
    static FlowConfig videoTextEverywhere() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(false).condTopOnly(false));
    }

    /** An unconditional image model (no text, no time axis), R2L order, head_dim 16. */
    static FlowConfig imageUnconditional() {
        return config(b -> b.txtSize(0).txtDim(0).condTopOnly(false).reversedOrder(true).headDim(16));
    }

    /**
     * An unconditional image model exercising the other layer options: SwiGLU, RMSNorm, q/k norm, post
     * norm, grouped key/value heads, no biases, exp scales without soft clip.
     */
    static FlowConfig imageUnconditionalVariants() {
        return config(b -> b.txtSize(0).txtDim(0).condTopOnly(false).headDim(16).numHeads(2).numKvHeads(1)
                .swiglu(true).normType(FlowConfig.NormType.RMS_NORM).qkNorm(true).postNorm(true).bias(false)
                .softplus(false).softClip(0));
    }

    /** Conditioned image model with 2x2 patches and an empty (identity) middle block. */
    static FlowConfig imagePatchedWithIdentityBlock() {
        return config(b -> b.patchSize(2).imgSize(8).layersPerBlock(1, 0, 2));
    }

    /** Frame-local video with 2x2 patches and an identity first block. */
    static FlowConfig videoPatchedWithIdentityBlock() {
        return config(b -> b.temporalCausal(2).shallowBlockLocal(true).patchSize(2).imgSize(4)
                .layersPerBlock(0, 1, 1));
    }

    /**
     * A model with every proj_out.weight, position embedding and motion reading set to 0.05 N(0,1) and the first
     * step's velocity reading to N(0,1) (a fresh model has them at zero, which makes each block a constant affine map,
     * the places and earlier frames no different and the first step no move), deterministic in {@code seed}.
     */
    static StarFlow perturbedModel(FlowConfig cfg, NDManager m, long seed) {
        StarFlow model = StarFlow.initialise(cfg, m, seed);
        perturbProjOut(model, seed + 1);
        return model;
    }

    static void perturbProjOut(StarFlow model, long seed) {
        Random rng = new Random(seed);
        for (String name : model.parameters().names()) {
            if (name.endsWith("proj_out.weight") || name.endsWith("motion_in") || name.endsWith("prediction_in")
                    || name.endsWith("edit_segment") || name.endsWith("_embed") && !name.endsWith("sos_embed") || name.startsWith("first_step.") || name.startsWith("edit_colours.")) {
                NDArray p = model.parameters().get(name);
                float[] v = new float[(int) p.size()];
                double scale = name.startsWith("first_step.") ? 1 : name.startsWith("edit_colours.") ? 0.3 : 0.05;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (scale * rng.nextGaussian());
                }
                p.set(v);
            }
        }
    }

    static float[] gaussian(Random rng, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** N(0,1) values of the given shape, from a seeded generator. */
    static NDArray randn(NDManager m, Random rng, long... shape) {
        Shape s = new Shape(shape);
        return m.create(gaussian(rng, s.size()), s);
    }

    /** Image latent [B, C, S, S] or video latent [B, T, C, S, S] for the config (frames 0: image). */
    static NDArray latent(NDManager m, FlowConfig cfg, Random rng, int batch, int frames) {
        int s = cfg.imgSize();
        return frames == 0 ? randn(m, rng, batch, cfg.inChannels(), s, s)
                : randn(m, rng, batch, frames, cfg.inChannels(), s, s);
    }

    /** Text features [B, L, txt_dim], or null for an unconditional config. */
    static TextFeatures text(NDManager m, FlowConfig cfg, Random rng, int batch) {
        if (cfg.txtDim() == 0) {
            return null;
        }
        NDArray rows = randn(m, rng, batch, TEXT_LENGTH, cfg.txtDim());
        return new TextFeatures(rows, cfg.txtVocab() == 0 ? null : words(m, rng, batch, cfg.txtVocab()));
    }

    /** A bag of words [batch, vocab] for random captions: {@code TEXT_LENGTH} words each. */
    static NDArray words(NDManager m, Random rng, int batch, int vocab) {
        float[] counts = new float[batch * vocab];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < TEXT_LENGTH; i++) {
                counts[b * vocab + rng.nextInt(vocab)] += 1;
            }
        }
        return m.create(counts, new Shape(batch, vocab));
    }

    /** A stand-in for the empty caption: zero except text slot 0, as in the reference vectors. */
    static TextFeatures emptyCaption(NDManager m, FlowConfig cfg, Random rng, int batch) {
        float[] v = new float[batch * TEXT_LENGTH * cfg.txtDim()];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cfg.txtDim(); c++) {
                v[b * TEXT_LENGTH * cfg.txtDim() + c] = (float) rng.nextGaussian();
            }
        }
        return new TextFeatures(m.create(v, new Shape(batch, TEXT_LENGTH, cfg.txtDim())),
                cfg.txtVocab() == 0 ? null : m.zeros(new Shape(batch, cfg.txtVocab())));
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return maxAbsDiff(a.toFloatArray(), b.toFloatArray());
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
