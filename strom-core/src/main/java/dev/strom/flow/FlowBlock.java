package dev.strom.flow;

import dev.strom.tensor.Scalar;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * One autoregressive affine flow block (the reference's MetaBlock). A causal transformer reads
 * [sos, x_0 .. x_{N-2}] (optionally behind a text prefix) and predicts, for each token t, a scale a_t and
 * shift b_t from the tokens before it; data maps to noise as z_t = (x_t - b_t) / a_t.
 */
public final class FlowBlock {

    /** softplus^-1(1): a = 1 when the network outputs zero. */
    static final float INV_SOFTPLUS_1 = 0.541324854612918f;

    private final FlowConfig.BlockSpec spec;
    private final int tokenDim;
    private final int headDim;
    private final float softClip;
    private final boolean softplus;
    private final NDArray sos;
    private final Linear projIn;
    private final Linear projTxt;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final Linear projOut;
    /** The deep block's learned embedding of a token's place in its frame [1, frameSize, width], or null. */
    private final NDArray placeEmbed;
    /** The deep block's learned embedding of a token's frame index [1, frames, width], or null. */
    private final NDArray frameEmbed;
    private final int frameSize;
    /**
     * The deep block's reading of the last {@code motionFrames} frames around each predicted token's place
     * [W, motionFrames * 9 * D], or null: see {@link #motionContext}.
     */
    private final NDArray motionIn;
    private final int motionFrames;
    /**
     * The deep block's reading of what the coding of each token's frame sees at its place (the motion-compensated
     * prediction and the last frame, {@link MotionCompensation#code}) [W, 2 * D], or null: {@code prediction_context}.
     */
    private final NDArray predictionIn;
    /**
     * What the deep block adds to the tokens of an edit's result frames [W], or null: {@code edit_segment}. The seen
     * tokens then carry one more feature, 1 in a result frame and 0 elsewhere ({@link #withSegment}).
     */
    private final NDArray editSegment;

    FlowBlock(Parameters p, FlowConfig cfg, FlowConfig.BlockSpec spec) {
        this.spec = spec;
        this.tokenDim = cfg.tokenDim();
        this.headDim = cfg.headDim();
        this.softClip = cfg.softClip();
        this.softplus = cfg.softplus();
        int side = cfg.imgSize() / cfg.patchSize();
        this.frameSize = side * side;
        if (spec.layers() == 0) {
            // An identity block, as the reference allows: no parameters, no effect.
            sos = null;
            projIn = projTxt = projOut = null;
            finalNorm = null;
            placeEmbed = null;
            frameEmbed = null;
            motionIn = null;
            motionFrames = 0;
            predictionIn = null;
            editSegment = null;
            return;
        }
        String name = "blocks." + spec.index();
        int w = spec.width();
        sos = p.declare(name + ".sos_embed", new long[]{1, 1, tokenDim}, new Init.Normal(1f));
        projIn = new Linear(p, name + ".proj_in", tokenDim, w, true);
        projTxt = spec.conditioned() ? new Linear(p, name + ".proj_txt", spec.txtDim(), w, true) : null;
        for (int i = 0; i < spec.layers(); i++) {
            layers.add(new TransformerLayer(p, name + ".attn_blocks." + i, cfg, spec, i));
        }
        finalNorm = cfg.finalNorm() ? new Norm.RmsNorm(p, name + ".final_norm", w) : null;
        projOut = new Linear(p, name + ".proj_out", w, 2 * tokenDim, true, Init.ZEROS);
        placeEmbed = cfg.positionEmbedding() && spec.top() ? p.declareOptional(name + ".pos_embed", new long[]{1, frameSize, w}) : null;
        frameEmbed = placeEmbed != null && cfg.positionFrames() > 0
                ? p.declareOptional(name + ".frame_embed", new long[]{1, cfg.positionFrames(), w}) : null;
        motionFrames = spec.top() ? cfg.motionContext() : 0;
        // Starts at zero, so a checkpoint without it computes what it did and can be fine-tuned with it.
        motionIn = motionFrames > 0
                ? p.declareOptional(name + ".motion_in", new long[]{w, (long) motionFrames * NEIGHBOURS * tokenDim}) : null;
        // also starts at zero: a compensated model fine-tuned with it starts from what it computed
        predictionIn = spec.top() && cfg.predictionContext()
                ? p.declareOptional(name + ".prediction_in", new long[]{w, 2L * tokenDim}) : null;
        // zero-started too: a model fine-tuned with it computes what it did until edits teach it
        editSegment = predictionIn != null && cfg.editSegment() ? p.declareOptional(name + ".edit_segment", new long[]{w}) : null;
    }

    /**
     * Seen tokens [B', n, 2D] as a block of a flow with {@code edit_segment} reads them: with a last feature that says
     * whether each token is in an edit's result, 1 from token {@code resultFrom} on and 0 before it ({@code n} or
     * more: none is).
     */
    static NDArray withSegment(NDArray seen, long resultFrom) {
        Shape s = seen.getShape();
        NDArray flags = seen.getManager().arange(0f, (float) s.get(1)).gte(resultFrom).toType(seen.getDataType(), false)
                .reshape(1, s.get(1), 1);
        return NDArrays.concat(new NDList(seen, flags.broadcast(s.get(0), s.get(1), 1)), 2);
    }

    /** Places read around a token in each earlier frame: the 3x3 tokens centred on its own. */
    static final int NEIGHBOURS = 9;

    public FlowConfig.BlockSpec spec() {
        return spec;
    }

    public boolean isIdentity() {
        return spec.layers() == 0;
    }

    /** Result of the data-to-noise direction: z in raster order, per-element -log a in permuted order. */
    public record Pass(NDArray z, NDArray logdet, NDArray textOut) {
    }

    /**
     * Data to noise.
     *
     * @param x tokens [B', N, D] in raster order
     * @param y text [B', L, txt] for a conditioned block, else ignored
     * @param seen what each token's coding sees [B', N, 2D] in raster order when the block {@link #readsPrediction}
     *          (null for a still, whose coding sees nothing), else ignored
     */
    Pass forward(NDArray x, NDArray y, NDArray seen, TokenLayout layout, RotaryTable rope) {
        if (isIdentity()) {
            return new Pass(x, x.zerosLike(), null);
        }
        long b = x.getShape().get(0);
        int n = layout.length();
        NDArray xp = spec.permutation().apply(x, layout);
        NDArray shifted = NDArrays.concat(new NDList(sosFor(b), xp.get(new NDIndex().addAllDim().addSliceDim(0, n - 1))), 1);
        NDArray h = withPlaces(projIn.apply(shifted), 0);
        if (readsMotion()) {
            h = h.add(motion(motionContext(xp, 0, n, layout)));
        }
        if (readsPrediction() && seen != null) {
            // (a still's coding sees nothing: zeros, which add nothing)
            h = h.add(prediction(spec.permutation().apply(seen, layout)));
        }
        int textLength = 0;
        if (projTxt != null) {
            textLength = (int) y.getShape().get(1);
            h = NDArrays.concat(new NDList(projTxt.apply(y), h), 1);
        }
        NDArray mask = AttentionMask.causal(x.getManager(), textLength + n, 0);
        for (TransformerLayer layer : layers) {
            h = layer.apply(h, rope, 0, null, mask);
        }
        if (finalNorm != null) {
            h = finalNorm.apply(h);
        }
        NDArray textOut = textLength > 0 ? h.get(new NDIndex().addAllDim().addSliceDim(0, textLength)) : null;
        Affine ab = affine(h.get(new NDIndex().addAllDim().addSliceDim(textLength, textLength + n)));
        NDArray zp = xp.sub(ab.shift()).div(ab.scale());
        NDArray logdet = ab.scale().log().neg();
        return new Pass(spec.permutation().apply(zp, layout), logdet, textOut);
    }

    /** The learned start token, repeated for a batch: [B', 1, D]. */
    NDArray sosFor(long batch) {
        return sos.broadcast(batch, 1, tokenDim);
    }

    /** A cache big enough for the text prefix and every token of the sequence. */
    KvCache newCache(NDManager manager, long batch, int capacity) {
        int kvHeads = layers.get(0).kvHeads();
        return new KvCache(manager, layers.size(), batch, kvHeads, capacity, headDim);
    }

    /** Runs the text prefix through the layers to fill the cache. */
    void prefill(NDArray y, KvCache cache, RotaryTable rope) {
        int l = (int) y.getShape().get(1);
        run(projTxt.apply(y), l, cache, rope);
        cache.endPrefix();
    }

    /**
     * Predicts (a, b) for the tokens that follow the cached ones, given their inputs (sos or the previous
     * token each) [B', n, D] and, when the block {@link #readsMotion}, their {@link #motionContext} (else null),
     * and when it {@link #readsPrediction}, what their coding sees [B', n, 2D] in the block's order (null for a
     * still, or a block that does not read it).
     * Extends the cache by n.
     */
    Affine predict(NDArray inputs, NDArray context, NDArray seen, KvCache cache, RotaryTable rope) {
        int n = (int) inputs.getShape().get(1);
        NDArray h = withPlaces(projIn.apply(inputs), cache.length() - cache.prefix());
        if (readsMotion()) {
            h = h.add(motion(context));
        }
        if (readsPrediction() && seen != null) {
            h = h.add(prediction(seen));
        }
        h = run(h, n, cache, rope);
        if (finalNorm != null) {
            h = finalNorm.apply(h);
        }
        return affine(h);
    }

    private NDArray run(NDArray h, int n, KvCache cache, RotaryTable rope) {
        int start = cache.length();
        NDArray mask = AttentionMask.causal(h.getManager(), n, start);
        for (TransformerLayer layer : layers) {
            h = layer.apply(h, rope, start, cache, mask);
        }
        cache.advance(n);
        return h;
    }

    /**
     * Adds each token's place-in-frame (and frame index) embedding to h [B', n, W], whose first token is token
     * {@code first} of the sequence (places follow the sequence index, as rotary positions do).
     */
    private NDArray withPlaces(NDArray h, int first) {
        if (placeEmbed == null) {
            return h;
        }
        int n = (int) h.getShape().get(1);
        int firstFrame = first / frameSize;
        int offset = first - firstFrame * frameSize;
        int frames = (offset + n + frameSize - 1) / frameSize;
        NDArray places = placeEmbed.tile(new long[]{1, frames, 1});
        if (frameEmbed != null) {
            long covered = frameEmbed.getShape().get(1);
            if (firstFrame + frames > covered) {
                throw new IllegalArgumentException("this model's frame embedding covers " + covered
                        + " frames; longer videos are made in windows");
            }
            NDArray perFrame = frameEmbed.get(new NDIndex().addAllDim().addSliceDim(firstFrame, firstFrame + frames));
            places = places.add(perFrame.repeat(1, frameSize));
        }
        return h.add(places.get(new NDIndex().addAllDim().addSliceDim(offset, offset + n)));
    }

    /** Whether the block reads the earlier frames around each token's place ({@code motion_context} > 0). */
    boolean readsMotion() {
        return motionIn != null;
    }

    /** Whether the block reads what each frame's coding sees at a token's place ({@code prediction_context}). */
    boolean readsPrediction() {
        return predictionIn != null;
    }

    private NDArray prediction(NDArray seen) {
        if (editSegment != null) {
            long d = 2L * tokenDim;
            NDArray read = ai.djl.nn.core.Linear.linear(seen.get(new NDIndex("..., 0:" + d)), predictionIn, null).singletonOrThrow();
            return read.add(seen.get(new NDIndex("..., " + d + ":" + (d + 1))).mul(editSegment));
        }
        return ai.djl.nn.core.Linear.linear(seen, predictionIn, null).singletonOrThrow();
    }

    private NDArray motion(NDArray context) {
        return ai.djl.nn.core.Linear.linear(context, motionIn, null).singletonOrThrow();
    }

    /**
     * What the position predicting token i reads of the frames before token i's frame: for each of the last
     * {@code motionFrames} frames (nearest first), the 3x3 tokens around token i's place (zeros off the grid or
     * before the first frame), concatenated: [B', n, motionFrames * 9 * D] for the tokens first .. first+n-1.
     * Only earlier frames are read, so the block stays autoregressive: it is a function of the tokens before
     * token i, like attention.
     *
     * @param tokens the block's tokens in its own order [B', >= the first token of token first+n-1's frame, D]
     * @param layout the block's sequence
     */
    NDArray motionContext(NDArray tokens, int first, int n, TokenLayout layout) {
        int fs = layout.frameSize();
        int rows = layout.height();
        int cols = layout.width();
        int k = motionFrames;
        int f0 = first / fs;
        int f1 = (first + n - 1) / fs;
        int frames = f1 - f0 + 1;
        long b = tokens.getShape().get(0);
        NDManager m = tokens.getManager();
        int from = Math.max(0, f0 - k);
        if (f1 <= from) {
            return m.zeros(new Shape(b, n, (long) k * NEIGHBOURS * tokenDim), tokens.getDataType());
        }
        // frames f0-k .. f1-1 in raster order, zero before the first frame, with a ring of zero tokens around
        NDArray past = spec.permutation().apply(tokens.get(new NDIndex().addAllDim().addSliceDim((long) from * fs, (long) f1 * fs)),
                new TokenLayout(f1 - from, rows, cols)).reshape(b, f1 - from, rows, cols, tokenDim);
        int lead = from - (f0 - k);
        if (lead > 0) {
            past = NDArrays.concat(new NDList(m.zeros(new Shape(b, lead, rows, cols, tokenDim), past.getDataType()), past), 1);
        }
        long span = past.getShape().get(1);
        NDArray side = m.zeros(new Shape(b, span, rows, 1, tokenDim), past.getDataType());
        past = NDArrays.concat(new NDList(side, past, side), 3);
        NDArray top = m.zeros(new Shape(b, span, 1, cols + 2, tokenDim), past.getDataType());
        past = NDArrays.concat(new NDList(top, past, top), 2);
        NDList reads = new NDList(k * NEIGHBOURS);
        for (int j = 1; j <= k; j++) {
            for (int dr = -1; dr <= 1; dr++) {
                for (int dc = -1; dc <= 1; dc++) {
                    // target frame f0+q reads frame f0+q-j, which sits at q+k-j
                    reads.add(past.get(new NDIndex().addAllDim()
                            .addSliceDim(k - j, k - j + frames)
                            .addSliceDim(1 + dr, 1 + dr + rows)
                            .addSliceDim(1 + dc, 1 + dc + cols)));
                }
            }
        }
        NDArray context = NDArrays.concat(reads, 4).reshape(b, (long) frames * fs, (long) k * NEIGHBOURS * tokenDim);
        context = spec.permutation().apply(context, new TokenLayout(frames, rows, cols));
        int offset = first - f0 * fs;
        return context.get(new NDIndex().addAllDim().addSliceDim(offset, offset + n));
    }

    /** proj_out, soft clip, then a = softplus(. + softplus^-1(1)) (or exp) and b. */
    private Affine affine(NDArray h) {
        NDArray o = projOut.apply(h);
        if (softClip > 0) {
            o = Scalar.mul(Scalar.div(o, softClip).tanh(), softClip);
        }
        NDArray a = o.get("..., 0:" + tokenDim);
        NDArray b = o.get("..., " + tokenDim + ":");
        a = softplus ? Activation.softPlus(a.add(INV_SOFTPLUS_1)) : a.exp();
        return new Affine(a, b);
    }
}
