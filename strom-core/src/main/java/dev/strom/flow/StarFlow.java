package dev.strom.flow;

import dev.strom.tensor.Scalar;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.strom.tensor.Parameters;
import dev.strom.tensor.TensorData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.strom.tensor.Tensors;

/**
 * A STARFlow(-V) model: shallow flow blocks (per frame for video) followed by one deep, text-conditioned,
 * globally causal block. Data maps to noise through blocks 0 .. nb-1; generation runs them backwards,
 * deep block first.
 */
public final class StarFlow implements AutoCloseable {

    /** Frames whose drafts are made together (see {@link #draftsFrom}). */
    private static final int DRAFT_GROUP = 4;

    /** Buffers the reference keeps in its state_dict but never reads. */
    private static final Pattern UNUSED_BUFFERS = Pattern.compile("var|blocks\\.\\d+\\.attn_mask|feat_rope(_gen)?\\..*");

    private final FlowConfig config;
    private final Parameters parameters;
    private final List<FlowBlock> blocks = new ArrayList<>();
    private final LearnedDenoiser denoiser;
    private final RotaryEmbedding rope;
    /** The first step of a video flow when the config asks for it, else null. */
    private final MotionCompensation motion;
    /** The first step's velocity from the caption's words, [txt_vocab, 2] and [2] ({@code first_step_motion}), else null. */
    private final NDArray firstStepWeight;
    private final NDArray firstStepBias;
    /** The first step's size rate from the caption's words, [txt_vocab, 1] and [1], else null. */
    private final NDArray firstStepSize;
    private final NDArray firstStepSizeBias;
    /**
     * An edit's recolouring from the instruction's words ({@code edit_colours}), else null: gates [txt_vocab, 2] and
     * [2], named colours [txt_vocab, 2C] and [2C], and the source colours' part [2C, 2C] ({@link MotionCompensation.EditColours}).
     */
    private final NDArray editGateWords;
    private final NDArray editGateBias;
    private final NDArray editColourWords;
    private final NDArray editColourBias;
    private final NDArray editColourMix;

    private StarFlow(FlowConfig config, Parameters parameters) {
        this.config = config;
        this.parameters = parameters;
        for (int i = 0; i < config.numBlocks(); i++) {
            blocks.add(new FlowBlock(parameters, config, config.block(i)));
        }
        rope = new RotaryEmbedding(config);
        denoiser = config.denoiser() ? new LearnedDenoiser(parameters, config, rope) : null;
        motion = config.motionCompensation() > 0
                ? MotionCompensation.of(config) : null;
        // zero-started: a model fine-tuned with it starts as the model it was (no move)
        firstStepWeight = config.firstStepMotion() ? parameters.declareOptional("first_step.words", new long[]{config.txtVocab(), 2}) : null;
        firstStepBias = config.firstStepMotion() ? parameters.declareOptional("first_step.bias", new long[]{2}) : null;
        // zero in a checkpoint from before the size rate, which then computes what it did
        firstStepSize = config.firstStepMotion() ? parameters.declareOptional("first_step.size", new long[]{config.txtVocab(), 1}) : null;
        firstStepSizeBias = config.firstStepMotion() ? parameters.declareOptional("first_step.size_bias", new long[]{1}) : null;
        // zero-started too: every gate at 0, each edit predicted by its source as it is, as before
        long colours = 2L * config.inChannels();
        editGateWords = config.editColours() ? parameters.declareOptional("edit_colours.gate_words", new long[]{config.txtVocab(), 2}) : null;
        editGateBias = config.editColours() ? parameters.declareOptional("edit_colours.gate_bias", new long[]{2}) : null;
        editColourWords = config.editColours() ? parameters.declareOptional("edit_colours.words", new long[]{config.txtVocab(), colours}) : null;
        editColourBias = config.editColours() ? parameters.declareOptional("edit_colours.bias", new long[]{colours}) : null;
        editColourMix = config.editColours() ? parameters.declareOptional("edit_colours.mix", new long[]{colours, colours}) : null;
        if (config.predictionContext() && !framesAreLocalBelow(blocks.size() - 1)) {
            throw new IllegalArgumentException("prediction_context needs every block below the deep one to be per frame (shallow_block_local)");
        }
        parameters.requireAllUsed();
    }

    /** A freshly initialised model (reference initialisation: every block starts as the identity). */
    public static StarFlow initialise(FlowConfig config, NDManager manager, long seed) {
        return new StarFlow(config, Parameters.initialised(manager, seed));
    }

    /** A block's transformer layer, by the name its tensors start with: block, then layer. */
    private static final Pattern LAYER = Pattern.compile("^blocks\\.(\\d+)\\.attn_blocks\\.(\\d+)\\.");

    /**
     * Checkpoint tensors for {@code config} from a model like it with fewer layers in some blocks: each block's
     * layers past the checkpoint's are added at its end, freshly initialised (seeded) except for their residual
     * outputs, which start at zero. Each new layer then passes its input through, so the grown model computes
     * exactly what the checkpoint's did, and training gives the new layers their share. Any other tensor the
     * checkpoint lacks is left missing (loading names it).
     *
     * @return the checkpoint's tensors and the new layers' (the argument is not changed; it is returned as it is
     *         when no block grows)
     */
    public static Map<String, TensorData> grown(FlowConfig config, Map<String, TensorData> tensors, long seed) {
        Map<Integer, Integer> had = new HashMap<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                had.merge(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)) + 1, Math::max);
            }
        }
        boolean grows = false;
        for (int b = 0; b < config.numBlocks(); b++) {
            grows |= config.block(b).layers() > had.getOrDefault(b, 0);
        }
        if (!grows) {
            return tensors; // nothing to add: no fresh model to build on every fine-tune's start
        }
        Map<String, TensorData> out = new LinkedHashMap<>(tensors);
        try (NDManager fresh = NDManager.newBaseManager(); StarFlow flow = initialise(config, fresh, seed)) {
            flow.parameters().snapshot().forEach((name, t) -> {
                Matcher m = LAYER.matcher(name);
                if (tensors.containsKey(name) || !m.find()
                        || Integer.parseInt(m.group(2)) < had.getOrDefault(Integer.parseInt(m.group(1)), 0)) {
                    return;
                }
                out.put(name, TransformerLayer.RESIDUAL_OUTPUTS.matcher(name).find()
                        ? new TensorData(t.shape(), new float[t.values().length]) : t);
            });
        }
        return out;
    }

    /** A model from checkpoint tensors with the reference's names; names and shapes must match the config. */
    public static StarFlow load(FlowConfig config, NDManager manager, Map<String, TensorData> tensors) {
        Set<String> ignorable = new HashSet<>();
        tensors.keySet().stream().filter(n -> UNUSED_BUFFERS.matcher(n).matches()).forEach(ignorable::add);
        Parameters p = Parameters.loaded(manager, tensors, ignorable);
        try {
            return new StarFlow(config, p);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    public FlowConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    /**
     * The learned self-denoiser, or null when the config has none. Sampling does not need it ({@link #denoise}
     * chooses); the parity check with the reference reads it directly.
     */
    public LearnedDenoiser denoiser() {
        return denoiser;
    }

    // ---- data -> noise ----

    /**
     * The exact data-to-noise pass.
     *
     * @param x latent [B, C, H, W] or [B, T, C, H, W]
     * @param y text features (null for an unconditional model)
     */
    public ForwardPass forward(NDArray x, TextFeatures y) {
        return forward(x, y, 0);
    }

    /** As {@link #forward(NDArray, TextFeatures)} for text rows [B, L, txt_dim] without words (padding rows zeroed). */
    public ForwardPass forward(NDArray x, NDArray y) {
        return forward(x, TextFeatures.of(y), 0);
    }

    /** As {@link #forward(NDArray, TextFeatures, int)} for text rows [B, L, txt_dim] without words. */
    public ForwardPass forward(NDArray x, NDArray y, int editFrom) {
        return forward(x, TextFeatures.of(y), editFrom);
    }

    /**
     * The exact data-to-noise pass of an edit: its source, then from frame {@code editFrom} its result (0: not an
     * edit, as {@link #forward(NDArray, TextFeatures)}). A motion-compensated flow predicts each frame of the result by
     * the source's frame at the same time ({@link MotionCompensation#residual(NDArray, int)}); a flow without
     * compensation reads the clip as any other.
     */
    public ForwardPass forward(NDArray x, TextFeatures y, int editFrom) {
        Latent latent = Latent.of(x, config, "input");
        requireFinite(x, "input");
        requireText(y, latent.batch(), "text");
        NDArray rows = y == null ? null : y.rows();
        TokenLayout layout = latent.layout();
        long b = latent.batch();
        // volume-preserving: the clip's density is that of its motion-compensated residual; a deep block that reads
        // the prediction also gets what each frame's coding sees
        NDArray coded = x;
        NDArray tokensSeen = null;
        if (motion != null && latent.video()) {
            MotionCompensation m = motionFor(y);
            if (config.predictionContext()) {
                MotionCompensation.Coded c = m.code(x, editFrom);
                coded = c.residual();
                tokensSeen = seenLatent(latent, latent.frames()).patchify(c.seen());
                if (config.editSegment()) {
                    // an edit's result is its frames from editFrom on; a plain clip has none
                    tokensSeen = FlowBlock.withSegment(tokensSeen,
                            editFrom > 0 ? (long) editFrom * layout.singleFrame().length() : layout.length());
                }
            } else {
                coded = m.residual(x, editFrom);
            }
        }
        NDArray tokens = latent.patchify(coded);
        List<NDArray> outputs = new ArrayList<>();
        List<NDArray> logdets = new ArrayList<>();
        List<ForwardPass.BlockOrder> orders = new ArrayList<>();
        outputs.add(tokens);
        NDArray textOut = null;
        for (FlowBlock block : blocks) {
            boolean local = block.spec().frameLocal() && latent.video();
            TokenLayout seen = local ? layout.singleFrame() : layout;
            NDArray in = local ? tokens.reshape(b * layout.frames(), seen.length(), latent.tokenDim()) : tokens;
            NDArray text = block.spec().conditioned() ? rows : null;
            int textLength = text == null ? 0 : (int) text.getShape().get(1);
            try (RotaryTable table = rope.table(x.getManager(), seen, textLength)) {
                FlowBlock.Pass pass = block.forward(in, text, local ? null : tokensSeen, seen, table);
                tokens = pass.z().reshape(b, layout.length(), latent.tokenDim());
                logdets.add(pass.logdet());
                orders.add(new ForwardPass.BlockOrder(block.spec().permutation(), seen));
                outputs.add(tokens);
                if (block.spec().top()) {
                    textOut = pass.textOut();
                }
            }
        }
        return new ForwardPass(latent.unpatchify(tokens), outputs, logdets, orders, textOut);
    }

    /** The layout of what {@code frames} frames' coding sees ({@link MotionCompensation#code}): twice the channels. */
    private static Latent seenLatent(Latent latent, int frames) {
        return new Latent(latent.batch(), frames, 2 * latent.channels(), latent.height(), latent.width(), latent.patch(), true);
    }

    /**
     * A latent [B, C, H, W] or [B, T, C, H, W] as the flow's tokens [B, N, p*p*C] in raster order, the order of
     * {@link ForwardPass#lossPerToken()}: to say which tokens a training weight applies to.
     */
    public NDArray tokens(NDArray x) {
        return Latent.of(x, config, "input").patchify(x);
    }

    /**
     * d loss / d x at x, where loss is the batch-mean per-dimension NLL (or, with {@code trainingObjective},
     * the full training objective).
     */
    public NDArray lossGradient(NDArray x, TextFeatures y, boolean trainingObjective) {
        return lossGradient(x, y, 0, trainingObjective);
    }

    /** As {@link #lossGradient(NDArray, TextFeatures, boolean)} for an edit whose result starts at frame {@code editFrom}. */
    public NDArray lossGradient(NDArray x, TextFeatures y, int editFrom, boolean trainingObjective) {
        NDArray leaf = x.duplicate();
        NDScope.unregister(leaf);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            leaf.setRequiresGradient(true);
            NDArray grad;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                ForwardPass pass = forward(leaf, y, editFrom);
                NDArray loss = trainingObjective ? FlowLoss.training(pass, config) : pass.loss();
                collector.backward(loss);
                grad = leaf.getGradient().duplicate();
                NDScope.unregister(grad);
            }
            NDScope.register(grad);
            return grad;
        } finally {
            leaf.close();
        }
    }

    /**
     * The step that takes a sample off the noise-augmented density it was drawn from (STARFlow's denoising):
     * the learned denoiser when the model has one, else one score step with the flow's own gradient,
     * x + sigma^2 grad log p(x).
     */
    public NDArray denoise(NDArray x, TextFeatures y) {
        return denoise(x, y, 0);
    }

    /**
     * As {@link #denoise(NDArray, TextFeatures)} for an edit whose result starts at frame {@code editFrom}: the score
     * step reads the density the clip was drawn from. (The learned denoiser reads frames, not the flow's coding of them.)
     */
    public NDArray denoise(NDArray x, TextFeatures y, int editFrom) {
        if (denoiser != null) {
            return denoiser.denoise(x, y == null ? null : y.rows());
        }
        NDArray grad = lossGradient(x, y, editFrom, false);
        double scale = (double) config.noiseStd() * config.noiseStd() * x.getShape().size();
        return x.sub(Scalar.mul(grad, scale));
    }

    // ---- noise -> data ----

    /** Receives frame {@code index} [B, 1, C, H, W] of a sample as soon as it is known; valid during the call only. */
    @FunctionalInterface
    public interface FrameDrafts {
        void frame(int index, NDArray data);
    }

    /** Progress of an inverse pass: blocks finished so far, block count, and the fraction of the current one. */
    @FunctionalInterface
    public interface Progress {
        void update(int blocksDone, int blocks, double fractionOfCurrent);
    }

    /**
     * Generates data from noise z: every block inverted, deep block first ({@link #reverseStages}, whose last
     * stage this is).
     * <p>
     * With context frames (image-to-video, extension) the context is pushed through the flow and its tokens fill
     * each block's cache, then only the later frames are inverted; the first frames of the result are the context
     * itself. With drafts, each new frame reaches the listener soon after the deep block has made its tokens (the
     * per-frame blocks below it are inverted for every four frames, see {@link #draftsFrom}); only video flows whose
     * other blocks are all frame-local can do this, for others the listener hears nothing.
     *
     * @param z noise, latent layout
     */
    public NDArray reverse(NDArray z, Conditioning c, ReverseOptions o) {
        List<NDArray> stages = reverseStages(z, c, o);
        return stages.get(stages.size() - 1);
    }

    /** The state of one inverse pass. */
    private record Reversal(Latent latent, Conditioning c, ReverseOptions o, int known) {
        TokenLayout layout() {
            return latent.layout();
        }
    }

    /** Inverts every block, deep block first, returning the latent after each (the last is the sample). */
    public List<NDArray> reverseStages(NDArray z, Conditioning c, ReverseOptions o) {
        Latent latent = Latent.of(z, config, "noise");
        requireFinite(z, "noise");
        requireText(c.text(), latent.batch(), "text");
        if (c.emptyText() != null) {
            requireRows(c.emptyRows(), latent.batch(), "unconditional text");
            if (c.emptyRows().getShape().get(1) != c.rows().getShape().get(1)) {
                throw new IllegalArgumentException("conditional and unconditional text must have the same length");
            }
        }
        Reversal r = new Reversal(latent, c, o, o.context() == null ? 0 : requireContext(o.context(), latent));
        return keep(() -> {
            TokenLayout layout = latent.layout();
            // Shallow blocks never look across frames and the deep block is causal in time, so the context's
            // tokens at every stage are exactly what the forward pass of the context alone gives.
            List<NDArray> known = r.known() == 0 ? null : forward(o.context(), c.text()).outputs();
            NDArray tokens = latent.patchify(z);
            List<NDArray> stages = new ArrayList<>();
            if (config.predictionContext() && latent.video()) {
                return reverseFrameByFrame(r, tokens, known);
            }
            for (int i = blocks.size() - 1; i >= 0; i--) {
                FlowBlock block = blocks.get(i);
                NDArray knownTokens = known == null ? null : known.get(i);
                if (block.isIdentity()) {
                    tokens = knownTokens == null ? tokens : NDArrays.concat(new NDList(knownTokens,
                            tokens.get(new NDIndex().addAllDim().addSliceDim((long) r.known() * layout.frameSize(), layout.length()))), 1);
                } else if (block.spec().frameLocal() && latent.video()) {
                    tokens = reverseShallow(r, i, tokens, knownTokens);
                } else {
                    tokens = reverseDeep(r, i, tokens, knownTokens);
                }
                stages.add(latent.unpatchify(tokens));
            }
            if (motion != null && latent.video()) {
                // the last stage is the motion-compensated residual: the clip from it, frame by frame after the
                // context, which comes back bit-exactly
                stages.add(motionFor(c.text()).restore(stages.remove(stages.size() - 1), known == null ? null : o.context(), o.editResult()));
            } else if (known != null) {
                // the last stage is data: put the context back bit-exactly (the forward pass rounds)
                NDArray last = stages.remove(stages.size() - 1);
                stages.add(NDArrays.concat(new NDList(o.context(),
                        last.get(new NDIndex().addAllDim().addSliceDim(r.known(), layout.frames()))), 1));
            }
            return stages;
        });
    }

    /**
     * The inverse pass of a video flow whose deep block reads what each frame's coding sees: the deep block, and
     * as it finishes each frame, that frame through the blocks below and the motion compensation
     * ({@link FrameByFrame}).
     */
    private List<NDArray> reverseFrameByFrame(Reversal r, NDArray tokens, List<NDArray> known) {
        int top = blocks.size() - 1;
        FlowBlock deep = blocks.get(top);
        Latent latent = r.latent();
        FrameByFrame frames = new FrameByFrame(latent, deep.spec().permutation(), guided(deep, r.c()), config.editSegment(),
                motionFor(r.c().text()), r.o(), frame -> invertFramesBelow(r, top, frame), tokens.getManager());
        try {
            TokenLayout layout = r.layout();
            NDArray prefix = known == null ? null
                    : deep.spec().permutation().apply(known.get(top), new TokenLayout(r.known(), layout.height(), layout.width()));
            NDArray inverted = invert(deep, tokens, layout, r.c(), r.o().method(),
                    new Solve(tick(r, top, layout), prefix, frames, frames));
            List<NDArray> stages = new ArrayList<>();
            stages.add(latent.unpatchify(inverted));
            List<NDArray> knownBelow = new ArrayList<>();
            if (known != null) {
                for (int j = top - 1; j >= 1; j--) {
                    knownBelow.add(known.get(j));
                }
            }
            stages.addAll(frames.stages(knownBelow, r.o().context()));
            return stages;
        } finally {
            frames.close();
        }
    }

    /**
     * Inverts a block that sees the whole sequence (the deep block, and every block of an image flow): the
     * context's tokens are its known prefix, and the deep block of a video hands finished frames to the drafts.
     */
    private NDArray reverseDeep(Reversal r, int i, NDArray tokens, NDArray knownTokens) {
        FlowBlock block = blocks.get(i);
        TokenLayout layout = r.layout();
        NDArray prefix = knownTokens == null ? null
                : block.spec().permutation().apply(knownTokens, new TokenLayout(r.known(), layout.height(), layout.width()));
        InverseStep.FrameListener frames = r.o().drafts() != null && r.latent().video() && i == blocks.size() - 1
                && framesAreLocalBelow(i) ? draftsFrom(r, i) : null;
        return invert(block, tokens, layout, r.c(), r.o().method(), new Solve(tick(r, i, layout), prefix, frames, null));
    }

    /** Inverts a per-frame block of a video: only the frames after the context, each frame on its own. */
    private NDArray reverseShallow(Reversal r, int i, NDArray tokens, NDArray knownTokens) {
        TokenLayout layout = r.layout();
        long b = r.latent().batch();
        long d = r.latent().tokenDim();
        int fs = layout.frameSize();
        int fresh = layout.frames() - r.known();
        NDArray later = tokens.reshape(b, layout.frames(), fs, d)
                .get(new NDIndex().addAllDim().addSliceDim(r.known(), layout.frames()))
                .reshape(b * fresh, fs, d);
        NDArray inverted = invertFrames(blocks.get(i), later, r, tick(r, i, layout.singleFrame()))
                .reshape(b, (long) fresh * fs, d);
        return knownTokens == null ? inverted : NDArrays.concat(new NDList(knownTokens, inverted), 1);
    }

    /** One per-frame block inverted over frames [rows, frameSize, D], each row a frame on its own. */
    private NDArray invertFrames(FlowBlock block, NDArray frames, Reversal r, IntConsumer tick) {
        return invert(block, frames, r.layout().singleFrame(), r.c(), r.o().method(), new Solve(tick, null, null, null));
    }

    /**
     * Frames [rows, frameSize, D] of block {@code top}'s input through the per-frame blocks below it: the tokens after
     * inverting each, nearest block {@code top} first (an identity block's are its input); the last is the data.
     */
    private List<NDArray> invertFramesBelow(Reversal r, int top, NDArray frames) {
        List<NDArray> out = new ArrayList<>();
        NDArray t = frames;
        for (int j = top - 1; j >= 0; j--) {
            if (!blocks.get(j).isIdentity()) {
                t = invertFrames(blocks.get(j), t, r, null);
            }
            out.add(t);
        }
        return out;
    }

    /** Whether a block is inverted guided: it reads the text, and the conditioning has an unconditional branch. */
    private static boolean guided(FlowBlock block, Conditioning c) {
        return block.spec().conditioned() && c.emptyText() != null;
    }

    /** Progress within block i, whose sequence is {@code seen}; null when nobody listens. */
    private IntConsumer tick(Reversal r, int i, TokenLayout seen) {
        Progress progress = r.o().progress();
        int done = blocks.size() - 1 - i;
        return progress == null ? null : n -> progress.update(done, blocks.size(), (double) n / seen.length());
    }

    /**
     * The motion compensation for clips under text {@code y}: with {@code first_step_motion}, frame 1 predicted as
     * frame 0 moved and scaled as the text asks ({@link #firstStep}).
     */
    private MotionCompensation motionFor(TextFeatures y) {
        NDArray step = firstStep(y);
        MotionCompensation m = step == null ? motion : motion.withFirstStep(step);
        MotionCompensation.EditColours colours = editColours(y);
        return colours == null ? m : m.withEditColours(colours);
    }

    /**
     * What an edit's instruction {@code y} does to its source's colours ({@code edit_colours}), or null without it:
     * each gate and named colour a sum over the instruction's words of each word's learned value plus a bias, read
     * from the words as the first step is ({@link #firstStep}). Used only where a clip is an edit.
     */
    public MotionCompensation.EditColours editColours(TextFeatures y) {
        if (editGateWords == null || y == null) {
            return null;
        }
        NDArray words = words(y, "edit_colours");
        return new MotionCompensation.EditColours(words.matMul(editGateWords).add(editGateBias),
                words.matMul(editColourWords).add(editColourBias), editColourMix);
    }

    /**
     * The colours of an edit's first result frame as its instruction predicts them and as the frame shows them
     * ({@link MotionCompensation#editColours(NDArray, int)}); null for a flow without {@code edit_colours}.
     */
    public MotionCompensation.EditColourReading editColours(NDArray x, TextFeatures y, int editFrom) {
        MotionCompensation.EditColours colours = editColours(y);
        return colours == null ? null : motion.withEditColours(colours).editColours(x, editFrom);
    }

    /** The caption's bag of words [B, txt_vocab], which {@code option} reads; refused when the text has none. */
    private NDArray words(TextFeatures y, String option) {
        if (y.words() == null || y.words().getShape().dimension() != 2 || y.words().getShape().get(1) != config.txtVocab()) {
            throw new IllegalArgumentException("a flow with " + option + " reads the caption's words [B, " + config.txtVocab()
                    + "], got " + (y.words() == null ? "none" : y.words().getShape()));
        }
        return y.words();
    }

    /**
     * The first step [B, 3] for text {@code y} ({@code first_step_motion}), or null without it: the velocity (x, y)
     * in pixels a frame and the size rate, each a sum over the caption's words of each word's learned value, plus a
     * bias, kept within the compensation's radius (r tanh(v / r)) and within {@link MotionCompensation#MAX_SIZE_RATE}
     * the same way. Read from the words, not from the encoder's rows: the rows mix every word into every row, and a
     * map from them carried badly to unseen object/motion/background triples, while teaching it through the encoder
     * cost frame 0 its small objects (docs/experiments.md, sessions 24 and 25).
     */
    public NDArray firstStep(TextFeatures y) {
        if (firstStepWeight == null || y == null) {
            return null;
        }
        NDArray words = words(y, "first_step_motion");
        float r = config.motionCompensation();
        NDArray v = words.matMul(firstStepWeight).add(firstStepBias);
        float g = (float) MotionCompensation.MAX_SIZE_RATE;
        NDArray size = words.matMul(firstStepSize).add(firstStepSizeBias);
        return NDArrays.concat(new NDList(Scalar.mul(Scalar.mul(v, 1f / r).tanh(), r), Scalar.mul(Scalar.mul(size, 1f / g).tanh(), g)), 1);
    }

    /** The step from frame 0 to frame 1 of clips x [B, T >= 2, C, H, W], [B, 3], that the first step is taught ({@link MotionCompensation#firstStepTarget}). */
    public NDArray firstStepTarget(NDArray x) {
        return motion.firstStepTarget(x);
    }

    private int requireContext(NDArray context, Latent latent) {
        requireFinite(context, "context");
        var c = context.getShape();
        var z = latent.layout();
        if (!latent.video() || c.dimension() != 5 || c.get(0) != latent.batch() || c.get(2) != config.inChannels()
                || c.get(3) != config.imgSize() || c.get(4) != config.imgSize()) {
            throw new IllegalArgumentException("context must be [" + latent.batch() + ", K, " + config.inChannels() + ", "
                    + config.imgSize() + ", " + config.imgSize() + "] frames of a video, got " + c);
        }
        if (c.get(1) < 1 || c.get(1) >= z.frames()) {
            throw new IllegalArgumentException("context must have between 1 and " + (z.frames() - 1) + " frames, got " + c.get(1));
        }
        return (int) c.get(1);
    }

    private boolean framesAreLocalBelow(int top) {
        for (int j = 0; j < top; j++) {
            if (!blocks.get(j).isIdentity() && !blocks.get(j).spec().frameLocal()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Turns the top block's finished frame tokens into data by inverting the per-frame blocks below, as
     * {@link #reverseShallow} does for the whole clip. One frame at a time those blocks cost as much again as the
     * whole sample (their many small steps are overhead, batched they take a few percent), so frames are inverted
     * {@value #DRAFT_GROUP} at a time, and the last ones when the top block is done; drafts still reach the
     * listener one by one, in order.
     */
    private InverseStep.FrameListener draftsFrom(Reversal r, int top) {
        Latent latent = r.latent();
        TokenLayout frame = latent.layout().singleFrame();
        long b = latent.batch();
        int last = latent.layout().frames() - 1;
        List<float[]> waiting = new ArrayList<>();
        // with motion compensation a frame is its residual until the frames before it are known; the restorer keeps
        // the last two as plain arrays too, so it outlives each call's scope
        MotionCompensation.Restorer restorer = motion == null ? null
                : motionFor(r.c().text()).restorer(r.known() == 0 ? null : r.o().context(), r.o().editResult());
        return (index, tokens) -> {
            if (index < r.known()) {
                return;
            }
            // kept as plain arrays: the tokens live only as long as the caller's scope
            waiting.add(blocks.get(top).spec().permutation().apply(tokens.get("0:" + b), frame).toFloatArray());
            if (waiting.size() < DRAFT_GROUP && index < last) {
                return;
            }
            int n = waiting.size();
            long fs = frame.length();
            long d = latent.tokenDim();
            NDManager m = tokens.getManager();
            NDList group = new NDList(n);
            for (float[] f : waiting) {
                group.add(Tensors.of(m, f, new Shape(b, 1, fs, d)));
            }
            List<NDArray> below = invertFramesBelow(r, top, NDArrays.concat(group, 1).reshape(b * n, fs, d));
            NDArray t = below.get(below.size() - 1);
            NDArray frames = t.reshape(b, n, fs, d);
            Latent one = new Latent(b, 1, latent.channels(), latent.height(), latent.width(), latent.patch(), true);
            for (int i = 0; i < n; i++) {
                NDArray data = one.unpatchify(frames.get(new NDIndex().addAllDim().addSliceDim(i, i + 1)).reshape(b, fs, d));
                r.o().drafts().frame(index - n + 1 + i, restorer == null ? data : restorer.next(data));
            }
            waiting.clear();
        };
    }

    /**
     * What one block's inversion reports and starts from: progress ticks, data tokens already known at the start
     * of its sequence (in its permuted order), a listener for finished frames, and what each frame's coding sees for a
     * block that reads it; each may be null.
     */
    private record Solve(IntConsumer tick, NDArray known, InverseStep.FrameListener frames, InverseStep.FrameSight sight) {
    }

    /** Inverts one block over a sequence of {@code layout}, guided when the conditioning has empty text. */
    private NDArray invert(FlowBlock block, NDArray z, TokenLayout layout, Conditioning c, InverseMethod method, Solve s) {
        boolean conditioned = block.spec().conditioned();
        boolean guided = guided(block, c);
        long rows = z.getShape().get(0);
        NDArray text = !conditioned ? null : guided ? NDArrays.concat(new NDList(c.rows(), c.emptyRows())) : c.rows();
        NDArray zp = block.spec().permutation().apply(z, layout);
        if (guided) {
            zp = NDArrays.concat(new NDList(zp, zp));
        }
        int textLength = text == null ? 0 : (int) text.getShape().get(1);
        try (RotaryTable table = rope.table(z.getManager(), layout, textLength);
             KvCache cache = block.newCache(z.getManager(), zp.getShape().get(0), textLength + layout.length())) {
            if (text != null) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    block.prefill(text, cache, table);
                }
            }
            NDArray knownRows = s.known() != null && guided ? NDArrays.concat(new NDList(s.known(), s.known())) : s.known();
            NDArray xp;
            try (InverseStep step = new InverseStep(block, cache, table, guided, c.guidance(), s.tick(), s.frames(), s.sight(), layout)) {
                xp = method.solve(step, zp, layout.frameSize(), knownRows);
            }
            if (guided) {
                xp = xp.get("0:" + rows);
            }
            return block.spec().permutation().apply(xp, layout);
        }
    }

    // ---- checks ----

    private void requireText(TextFeatures y, long batch, String what) {
        requireRows(y == null ? null : y.rows(), batch, what);
        if (y != null && y.words() != null && y.words().getShape().get(0) != batch) {
            throw new IllegalArgumentException(what + "'s words must be [" + batch + ", txt_vocab], got " + y.words().getShape());
        }
    }

    private void requireRows(NDArray y, long batch, String what) {
        if (config.txtDim() == 0) {
            return;
        }
        if (y == null) {
            throw new IllegalArgumentException(what + " is required: the model is text-conditioned (txt_dim=" + config.txtDim() + ")");
        }
        var s = y.getShape();
        if (s.dimension() != 3 || s.get(0) != batch || s.get(2) != config.txtDim() || s.get(1) == 0) {
            throw new IllegalArgumentException(what + " must be [" + batch + ", L>0, " + config.txtDim() + "], got " + s);
        }
        requireFinite(y, what);
    }

    static void requireFinite(NDArray x, String what) {
        if (x.isNaN().any().getBoolean() || x.isInfinite().any().getBoolean()) {
            throw new IllegalArgumentException(what + " contains NaN or infinite values");
        }
    }

    /** Runs f in its own scope and keeps only what it returns. */
    static List<NDArray> keep(Supplier<List<NDArray>> f) {
        List<NDArray> out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = f.get();
            out.forEach(NDScope::unregister);
        }
        out.forEach(NDScope::register);
        return out;
    }

    @Override
    public void close() {
        parameters.close();
    }
}
