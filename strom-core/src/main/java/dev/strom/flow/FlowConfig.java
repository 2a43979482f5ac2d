package dev.strom.flow;

import java.util.Arrays;

/**
 * Everything that fixes a STARFlow(-V) model's shape and its flow-level constants, in the terms of the
 * reference constructor ({@code model_kwargs} in a reference {@code config.json}; strom-store's
 * {@code FlowConfigJson} reads and writes that file).
 *
 * @param inChannels       latent channels C before patchify
 * @param imgSize          latent side (square latents, as in the reference)
 * @param patchSize        patch side p; a token has p*p*C features
 * @param channels         width of the shallow blocks
 * @param topChannels      width of the deep (top) block
 * @param layersPerBlock   transformer layers per flow block; the last entry is the deep block
 * @param headDim          attention head size
 * @param numHeads         heads per layer, 0 to derive width/headDim
 * @param numKvHeads       key/value heads (grouped-query attention), 0 for as many as query heads
 * @param txtSize          text prefix length the model was built for (also switches on the time RoPE axis)
 * @param txtDim           text feature size, 0 for an unconditional model
 * @param condTopOnly      only the deep block sees the text
 * @param softClip         c in a,b = c*tanh(./c); 0 disables it
 * @param reversedOrder    seq_order R2L (else L2R)
 * @param temporalCausal   0 for images; 2 for causal video (flip within each frame)
 * @param shallowBlockLocal video shallow blocks see one frame at a time
 * @param ptSeqLen         RoPE reference side, 0 for the latent side
 * @param denoiser         learnable self-denoiser present
 * @param conditionalDenoiser the denoiser sees the text
 * @param denoiserWindow   frames the denoiser looks back, 0 for unlimited
 * @param noiseStd         sigma of the training noise augmentation
 * @param condNoiseLevel   the loss is weighted by noiseStd/0.3 (STARFlow-V)
 * @param latentNormRegularization weight of the mean-square penalty on block inputs
 * @param positionEmbedding the deep block adds a learned embedding of each token's place in its frame
 *                         (Strom's {@code pos_embed}; not in the reference): rotary positions are only
 *                         relative, and without an absolute place the text cannot say where things start
 * @param positionFrames   with positionEmbedding, also a learned embedding of the frame index for clips of up
 *                         to this many frames ({@code pos_embed_frames}; 0 for none): so the text can say what
 *                         happens at a given frame, as an edit's first target frame; longer videos are made
 *                         in windows of at most this length anyway
 * @param motionContext    frames back (0 for none) whose tokens around each token's place the deep block reads
 *                         directly, as an extra input of the position that predicts it ({@code motion_context};
 *                         not in the reference): a 3x3-token neighbourhood of each of the last k frames, so that
 *                         the next frame's tokens are a local function of where things were, as for a
 *                         convolutional video predictor, instead of something attention must learn to fetch
 * @param motionCompensation largest speed in pixels a frame (0 for none) that the flow's first step follows: the
 *                         flow codes each frame's difference from the last frame moved on as the two before it
 *                         moved ({@code motion_compensation}; not in the reference; see {@link MotionCompensation})
 * @param predictionContext with motion compensation, whether the deep block reads, at each token's place, the frame
 *                         the compensation predicts and the last frame, as an extra input of the position that
 *                         predicts the token ({@code prediction_context}; not in the reference): the block codes
 *                         residuals, and without it only the residuals of earlier frames tell it where the
 *                         prediction puts anything
 * @param firstStepMotion  with motion compensation, whether frame 1 is coded less the move the caption asks of
 *                         frame 0 ({@code first_step_motion}; not in the reference): a velocity read from the text
 *                         moves frame 0 on, so that the first step, which has no motion to carry on, need not make
 *                         a sub-token shift in the deep block (see {@link MotionCompensation})
 * @param txtVocab         how many word features the caption's bag of words counts ({@code txt_vocab}, the text
 *                         encoder's vocabulary; 0 where nothing reads it): the first step's velocity is a sum over
 *                         the caption's words ({@link TextFeatures#words})
 * @param carrySizeRate    with {@code first_step_motion}, whether every later frame's prediction also grows or
 *                         shrinks at the first step's size rate before the matching finds what else moved
 *                         ({@code carry_size_rate}; not in the reference; see {@link MotionCompensation})
 * @param cleanRange       with motion compensation, the range of the kernel that cleans a frame before it is moved
 *                         on, in units of C sigma^2 ({@code clean_range}, default {@link #DEFAULT_CLEAN_RANGE}; not in
 *                         the reference): narrower keeps an object's soft edge pixels from being averaged into the
 *                         ground, wider takes more noise off
 * @param editColours      with motion compensation, whether an edit's first result frame is predicted by its source
 *                         frame recoloured as the instruction's words say ({@code edit_colours}; not in the
 *                         reference; see {@link MotionCompensation#withEditColours}), so the flow codes what a
 *                         recolouring cannot do (a new shape) instead of every pixel of a new background
 * @param editSegment      with {@code prediction_context}, whether the deep block reads which frames are an edit's
 *                         result: a learned vector added to their tokens ({@code edit_segment}; not in the reference;
 *                         zero-started), so that what edits teach of their result frames need not be what a plain
 *                         clip's later frames do under a caption that names the same object (docs/experiments.md,
 *                         session 29)
 * @param matchWindow      with motion compensation, the side in pixels of the square over which block matching
 *                         compares each offset ({@code match_window}; 0: 2r + 1, as every model before it; not in the
 *                         reference): a smaller window follows motion that varies across an object, as a turn does
 */
public record FlowConfig(
        int inChannels, int imgSize, int patchSize, int channels, int topChannels, int[] layersPerBlock,
        int headDim, int numHeads, int numKvHeads, int txtSize, int txtDim, boolean condTopOnly,
        boolean softplus, boolean swiglu, boolean bias, boolean qkNorm, boolean postNorm, boolean finalNorm,
        NormType normType, float softClip, boolean reversedOrder, int temporalCausal, boolean shallowBlockLocal,
        int ptSeqLen, boolean denoiser, boolean conditionalDenoiser, int denoiserWindow,
        float noiseStd, boolean condNoiseLevel, float latentNormRegularization, boolean positionEmbedding,
        int positionFrames, int motionContext, int motionCompensation, boolean predictionContext,
        boolean firstStepMotion, int txtVocab, boolean carrySizeRate, float cleanRange, boolean editColours,
        boolean editSegment, int matchWindow) {

    /** The cleaning range every model before {@code clean_range} was trained with: 10 C sigma^2. */
    public static final float DEFAULT_CLEAN_RANGE = 10f;

    /** Normalisation inside transformer layers. */
    public enum NormType { LAYER_NORM, RMS_NORM, NONE }

    static final int TIME_ROPE_DIMS = 8;

    public FlowConfig {
        layersPerBlock = layersPerBlock.clone();
        require(inChannels > 0, "in_channels must be positive");
        require(patchSize > 0 && imgSize > 0 && imgSize % patchSize == 0, "img_size must be a positive multiple of patch_size");
        require(layersPerBlock.length >= 1, "layers_per_block must not be empty");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even");
        require(channels > 0 && topChannels > 0, "channels must be positive");
        require(txtSize == 0 || headDim / 2 > TIME_ROPE_DIMS, "head_dim must exceed 16 when text (txt_size) is used");
        require(txtDim >= 0 && txtSize >= 0, "text sizes must not be negative");
        require(!condTopOnly || txtSize > 0, "cond_top_only requires txt_size > 0");
        require(!shallowBlockLocal || condTopOnly, "shallow_block_local requires cond_top_only");
        require(!reversedOrder || temporalCausal == 0, "seq_order must be L2R for temporal-causal video");
        require(noiseStd >= 0, "noise_std must not be negative");
        require(positionFrames >= 0 && (positionFrames == 0 || positionEmbedding), "pos_embed_frames needs pos_embed and must not be negative");
        require(motionContext >= 0 && (motionContext == 0 || temporalCausal > 0), "motion_context needs temporal_causal video and must not be negative");
        require(motionCompensation >= 0 && (motionCompensation == 0 || temporalCausal > 0), "motion_compensation needs temporal_causal video and must not be negative");
        require(!predictionContext || motionCompensation > 0, "prediction_context needs motion_compensation");
        require(!firstStepMotion || motionCompensation > 0 && txtDim > 0, "first_step_motion needs motion_compensation and text");
        require(txtVocab >= 0 && (!firstStepMotion || txtVocab > 0), "first_step_motion needs txt_vocab, the words its velocity reads");
        require(!carrySizeRate || firstStepMotion, "carry_size_rate needs first_step_motion, whose size rate it carries");
        require(cleanRange > 0, "clean_range must be positive");
        require(cleanRange == DEFAULT_CLEAN_RANGE || motionCompensation > 0, "clean_range needs motion_compensation, whose cleaning it sets");
        require(!editColours || motionCompensation > 0 && txtDim > 0 && txtVocab > 0,
                "edit_colours needs motion_compensation and txt_vocab, the words its colours read");
        require(!editSegment || predictionContext, "edit_segment needs prediction_context, whose tokens carry it");
        require(matchWindow >= 0 && (matchWindow == 0 || matchWindow % 2 == 1 && motionCompensation > 0),
                "match_window needs motion_compensation and must be an odd number of pixels");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid flow config: " + message);
        }
    }

    public int numBlocks() {
        return layersPerBlock.length;
    }

    /** Features per token. */
    public int tokenDim() {
        return inChannels * patchSize * patchSize;
    }

    /** Tokens per side of a frame. */
    public int gridSize() {
        return imgSize / patchSize;
    }

    public int effectivePtSeqLen() {
        return ptSeqLen > 0 ? ptSeqLen : gridSize();
    }

    public boolean isTop(int block) {
        return block == numBlocks() - 1;
    }

    /** The shape of flow block i, with the reference's derivations of width, heads and permutation. */
    public BlockSpec block(int i) {
        int nb = numBlocks();
        boolean top = isTop(i);
        int width = top ? topChannels : channels;
        int heads = numHeads > 0 ? numHeads : width / headDim;
        int kvHeads = numKvHeads > 0 ? numKvHeads : heads;
        int permIndex = reversedOrder ? (top ? (nb - 1) % 2 : i % 2) : (top ? nb % 2 : (i + 1) % 2);
        Permutation perm = permIndex == 0 ? Permutation.IDENTITY
                : (temporalCausal == 0 ? Permutation.FLIP : Permutation.FLIP_IN_FRAME);
        int blockTxt = top || !condTopOnly ? txtDim : 0;
        return new BlockSpec(i, layersPerBlock[i], width, heads, kvHeads, blockTxt, perm, top,
                !top && shallowBlockLocal);
    }

    /** The denoiser's shape: shallow width, 8 non-causal layers. */
    public BlockSpec denoiserBlock() {
        int heads = numHeads > 0 ? numHeads : channels / headDim;
        int kvHeads = numKvHeads > 0 ? numKvHeads : heads;
        return new BlockSpec(-1, 8, channels, heads, kvHeads, conditionalDenoiser ? txtDim : 0,
                Permutation.IDENTITY, false, false);
    }

    /** One flow block's derived shape. */
    public record BlockSpec(int index, int layers, int width, int heads, int kvHeads, int txtDim,
                            Permutation permutation, boolean top, boolean frameLocal) {
        public boolean conditioned() {
            return txtDim > 0;
        }
    }

    /**
     * A config set field by field (names as the record's), starting from the reference constructor's defaults:
     * patch 1, head_dim 64, biases, LayerNorm, R2L order, the deep block as wide as the shallow ones, everything
     * else off or 0. in_channels, img_size, channels and layers_per_block have no default.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FlowConfig}; {@link #build()} checks it as the constructor does. */
    public static final class Builder {

        private int inChannels;
        private int imgSize;
        private int patchSize = 1;
        private int channels;
        private Integer topChannels; // null: as wide as the shallow blocks, as in the reference
        private int[] layersPerBlock = {};
        private int headDim = 64;
        private int numHeads;
        private int numKvHeads;
        private int txtSize;
        private int txtDim;
        private boolean condTopOnly;
        private boolean softplus;
        private boolean swiglu;
        private boolean bias = true;
        private boolean qkNorm;
        private boolean postNorm;
        private boolean finalNorm;
        private NormType normType = NormType.LAYER_NORM;
        private float softClip;
        private boolean reversedOrder = true;
        private int temporalCausal;
        private boolean shallowBlockLocal;
        private int ptSeqLen;
        private boolean denoiser;
        private boolean conditionalDenoiser;
        private int denoiserWindow;
        private float noiseStd;
        private boolean condNoiseLevel;
        private float latentNormRegularization;
        private boolean positionEmbedding;
        private int positionFrames;
        private int motionContext;
        private int motionCompensation;
        private boolean predictionContext;
        private boolean firstStepMotion;
        private boolean carrySizeRate;
        private float cleanRange = DEFAULT_CLEAN_RANGE;
        private boolean editColours;
        private boolean editSegment;
        private int matchWindow;
        private int txtVocab;

        private Builder() {
        }

        public Builder inChannels(int v) {
            inChannels = v;
            return this;
        }

        public Builder imgSize(int v) {
            imgSize = v;
            return this;
        }

        public Builder patchSize(int v) {
            patchSize = v;
            return this;
        }

        public Builder channels(int v) {
            channels = v;
            return this;
        }

        public Builder topChannels(int v) {
            topChannels = v;
            return this;
        }

        public Builder layersPerBlock(int... v) {
            layersPerBlock = v.clone();
            return this;
        }

        public Builder headDim(int v) {
            headDim = v;
            return this;
        }

        public Builder numHeads(int v) {
            numHeads = v;
            return this;
        }

        public Builder numKvHeads(int v) {
            numKvHeads = v;
            return this;
        }

        public Builder txtSize(int v) {
            txtSize = v;
            return this;
        }

        public Builder txtDim(int v) {
            txtDim = v;
            return this;
        }

        public Builder condTopOnly(boolean v) {
            condTopOnly = v;
            return this;
        }

        public Builder softplus(boolean v) {
            softplus = v;
            return this;
        }

        public Builder swiglu(boolean v) {
            swiglu = v;
            return this;
        }

        public Builder bias(boolean v) {
            bias = v;
            return this;
        }

        public Builder qkNorm(boolean v) {
            qkNorm = v;
            return this;
        }

        public Builder postNorm(boolean v) {
            postNorm = v;
            return this;
        }

        public Builder finalNorm(boolean v) {
            finalNorm = v;
            return this;
        }

        public Builder normType(NormType v) {
            normType = v;
            return this;
        }

        public Builder softClip(float v) {
            softClip = v;
            return this;
        }

        public Builder reversedOrder(boolean v) {
            reversedOrder = v;
            return this;
        }

        public Builder temporalCausal(int v) {
            temporalCausal = v;
            return this;
        }

        public Builder shallowBlockLocal(boolean v) {
            shallowBlockLocal = v;
            return this;
        }

        public Builder ptSeqLen(int v) {
            ptSeqLen = v;
            return this;
        }

        public Builder denoiser(boolean v) {
            denoiser = v;
            return this;
        }

        public Builder conditionalDenoiser(boolean v) {
            conditionalDenoiser = v;
            return this;
        }

        public Builder denoiserWindow(int v) {
            denoiserWindow = v;
            return this;
        }

        public Builder noiseStd(float v) {
            noiseStd = v;
            return this;
        }

        public Builder condNoiseLevel(boolean v) {
            condNoiseLevel = v;
            return this;
        }

        public Builder latentNormRegularization(float v) {
            latentNormRegularization = v;
            return this;
        }

        public Builder positionEmbedding(boolean v) {
            positionEmbedding = v;
            return this;
        }

        public Builder motionContext(int v) {
            motionContext = v;
            return this;
        }

        public Builder motionCompensation(int v) {
            motionCompensation = v;
            return this;
        }

        public Builder predictionContext(boolean v) {
            predictionContext = v;
            return this;
        }

        public Builder firstStepMotion(boolean v) {
            firstStepMotion = v;
            return this;
        }

        public Builder carrySizeRate(boolean v) {
            carrySizeRate = v;
            return this;
        }

        public Builder cleanRange(float v) {
            cleanRange = v;
            return this;
        }

        public Builder editColours(boolean v) {
            editColours = v;
            return this;
        }

        public Builder editSegment(boolean v) {
            editSegment = v;
            return this;
        }

        public Builder matchWindow(int v) {
            matchWindow = v;
            return this;
        }

        public Builder txtVocab(int v) {
            txtVocab = v;
            return this;
        }

        public Builder positionFrames(int v) {
            positionFrames = v;
            return this;
        }

        public FlowConfig build() {
            return new FlowConfig(inChannels, imgSize, patchSize, channels, topChannels != null ? topChannels : channels,
                    layersPerBlock, headDim, numHeads, numKvHeads, txtSize, txtDim, condTopOnly, softplus, swiglu, bias,
                    qkNorm, postNorm, finalNorm, normType, softClip, reversedOrder, temporalCausal, shallowBlockLocal,
                    ptSeqLen, denoiser, conditionalDenoiser, denoiserWindow, noiseStd, condNoiseLevel,
                    latentNormRegularization, positionEmbedding, positionFrames, motionContext, motionCompensation,
                    predictionContext, firstStepMotion, txtVocab, carrySizeRate, cleanRange, editColours, editSegment, matchWindow);
        }
    }

    // A record compares its int[] by identity; two configs are equal when every component is, the layer
    // counts by content, which is exactly when they print the same.
    @Override
    public boolean equals(Object o) {
        return o instanceof FlowConfig f && toString().equals(f.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "FlowConfig[inChannels=" + inChannels + ", imgSize=" + imgSize + ", patchSize=" + patchSize
                + ", channels=" + channels + ", topChannels=" + topChannels
                + ", layersPerBlock=" + Arrays.toString(layersPerBlock) + ", headDim=" + headDim
                + ", numHeads=" + numHeads + ", numKvHeads=" + numKvHeads + ", txtSize=" + txtSize
                + ", txtDim=" + txtDim + ", condTopOnly=" + condTopOnly + ", softplus=" + softplus
                + ", swiglu=" + swiglu + ", bias=" + bias + ", qkNorm=" + qkNorm + ", postNorm=" + postNorm
                + ", finalNorm=" + finalNorm + ", normType=" + normType + ", softClip=" + softClip
                + ", reversedOrder=" + reversedOrder + ", temporalCausal=" + temporalCausal
                + ", shallowBlockLocal=" + shallowBlockLocal + ", ptSeqLen=" + ptSeqLen + ", denoiser=" + denoiser
                + ", conditionalDenoiser=" + conditionalDenoiser + ", denoiserWindow=" + denoiserWindow
                + ", noiseStd=" + noiseStd + ", condNoiseLevel=" + condNoiseLevel
                + ", latentNormRegularization=" + latentNormRegularization
                + ", positionEmbedding=" + positionEmbedding + ", positionFrames=" + positionFrames
                + ", motionContext=" + motionContext + ", motionCompensation=" + motionCompensation
                + (predictionContext ? ", predictionContext=true" : "")
                + (firstStepMotion ? ", firstStepMotion=true" : "") + (txtVocab > 0 ? ", txtVocab=" + txtVocab : "") + (carrySizeRate ? ", carrySizeRate=true" : "")
                + (cleanRange != DEFAULT_CLEAN_RANGE ? ", cleanRange=" + cleanRange : "") + (editColours ? ", editColours=true" : "")
                + (editSegment ? ", editSegment=true" : "") + (matchWindow > 0 ? ", matchWindow=" + matchWindow : "") + "]";
    }
}
