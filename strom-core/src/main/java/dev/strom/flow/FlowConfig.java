package dev.strom.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything that fixes a STARFlow(-V) model's shape and its flow-level constants, in the terms of the
 * reference constructor ({@code model_kwargs} in a reference {@code config.json}).
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
 */
public record FlowConfig(
        int inChannels, int imgSize, int patchSize, int channels, int topChannels, int[] layersPerBlock,
        int headDim, int numHeads, int numKvHeads, int txtSize, int txtDim, boolean condTopOnly,
        boolean softplus, boolean swiglu, boolean bias, boolean qkNorm, boolean postNorm, boolean finalNorm,
        NormType normType, float softClip, boolean reversedOrder, int temporalCausal, boolean shallowBlockLocal,
        int ptSeqLen, boolean denoiser, boolean conditionalDenoiser, int denoiserWindow,
        float noiseStd, boolean condNoiseLevel, float latentNormRegularization, boolean positionEmbedding,
        int positionFrames) {

    /** Normalisation inside transformer layers. */
    public enum NormType { LAYER_NORM, RMS_NORM, NONE }

    private static final ObjectMapper JSON = new ObjectMapper();
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

    // ---- JSON in the reference's terms ----

    /** Reads a config: either a reference config.json (with model_kwargs) or the model_kwargs object itself. */
    public static FlowConfig fromJson(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getMessage());
        }
    }

    public static FlowConfig fromJson(JsonNode root) {
        JsonNode k = root.has("model_kwargs") ? root.get("model_kwargs") : root;
        List<String> unsupported = new ArrayList<>();
        if (!flag(k, "rope", true)) unsupported.add("rope=0 (learned position embeddings)");
        if (!flag(k, "sos", true)) unsupported.add("sos=0");
        if (flag(k, "hf_style_rope", false)) unsupported.add("hf_style_rope");
        if (flag(k, "use_mm_attn", false)) unsupported.add("use_mm_attn");
        if (!k.path("use_pretrained_lm").isNull() && !k.path("use_pretrained_lm").isMissingNode()) unsupported.add("use_pretrained_lm");
        if (!k.path("local_attn_window").isNull() && !k.path("local_attn_window").isMissingNode()) unsupported.add("local_attn_window");
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("config uses options Strom does not implement: " + unsupported);
        }
        int channels = req(k, "channels");
        int numBlocks = req(k, "num_blocks");
        JsonNode lpb = k.path("layers_per_block");
        int[] layers;
        if (lpb.isArray()) {
            layers = new int[lpb.size()];
            for (int i = 0; i < layers.length; i++) layers[i] = lpb.get(i).asInt();
        } else if (lpb.isInt()) {
            layers = new int[]{lpb.asInt()};
        } else {
            throw new IllegalArgumentException("config is missing layers_per_block");
        }
        if (layers.length == 1 && numBlocks > 1) {
            int l = layers[0];
            layers = new int[numBlocks];
            Arrays.fill(layers, l);
        }
        if (layers.length != numBlocks) {
            throw new IllegalArgumentException("config has num_blocks=" + numBlocks + " but " + layers.length + " layers_per_block entries");
        }
        String norm = k.path("norm_type").asText("layer_norm");
        NormType normType = switch (norm) {
            case "layer_norm" -> NormType.LAYER_NORM;
            case "rms_norm" -> NormType.RMS_NORM;
            case "none" -> NormType.NONE;
            default -> throw new IllegalArgumentException("unknown norm_type " + norm);
        };
        String order = k.path("seq_order").asText("R2L");
        if (!order.equals("L2R") && !order.equals("R2L")) {
            throw new IllegalArgumentException("unknown seq_order " + order);
        }
        int top = k.path("top_block_channels").isNumber() ? k.get("top_block_channels").asInt() : channels;
        boolean denoiser = flag(k, "learnable_self_denoiser", false);
        return new FlowConfig(
                req(k, "in_channels"), req(k, "img_size"), k.path("patch_size").asInt(1), channels, top, layers,
                k.path("head_dim").asInt(64), k.path("num_heads").asInt(0), k.path("num_kv_heads").asInt(0),
                k.path("txt_size").asInt(0), k.path("txt_dim").asInt(0), flag(k, "cond_top_only", false),
                flag(k, "use_softplus", false), flag(k, "use_swiglu", false), flag(k, "use_bias", true),
                flag(k, "use_qk_norm", false), flag(k, "use_post_norm", false), flag(k, "use_final_norm", false),
                normType, (float) k.path("soft_clip").asDouble(0), order.equals("R2L"),
                k.path("temporal_causal").asInt(0), flag(k, "shallow_block_local", false),
                k.path("pt_seq_len").asInt(0), denoiser, flag(k, "conditional_denoiser", false),
                k.path("denoiser_window").asInt(0),
                (float) root.path("noise_std").asDouble(0), root.path("cond_noise_level").asInt(0) != 0,
                (float) root.path("latent_norm_regularization").asDouble(0), flag(k, "pos_embed", false),
                k.path("pos_embed_frames").asInt(0));
    }

    private static int req(JsonNode k, String name) {
        if (!k.path(name).isNumber()) {
            throw new IllegalArgumentException("config is missing " + name);
        }
        return k.get(name).asInt();
    }

    private static boolean flag(JsonNode k, String name, boolean dflt) {
        JsonNode n = k.path(name);
        if (n.isMissingNode() || n.isNull()) return dflt;
        return n.isBoolean() ? n.asBoolean() : n.asInt() != 0;
    }

    /** The config as a reference-style document: {model_kwargs: {...}, noise_std, ...}. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode k = root.putObject("model_kwargs");
        k.put("in_channels", inChannels);
        k.put("patch_size", patchSize);
        k.put("channels", channels);
        k.put("num_blocks", numBlocks());
        var lpb = k.putArray("layers_per_block");
        for (int l : layersPerBlock) lpb.add(l);
        k.put("head_dim", headDim);
        if (numHeads > 0) k.put("num_heads", numHeads); else k.putNull("num_heads");
        if (numKvHeads > 0) k.put("num_kv_heads", numKvHeads); else k.putNull("num_kv_heads");
        k.put("rope", 1);
        k.put("sos", 1);
        k.put("txt_size", txtSize);
        k.put("txt_dim", txtDim);
        k.put("cond_top_only", condTopOnly ? 1 : 0);
        k.put("use_softplus", softplus ? 1 : 0);
        k.put("use_swiglu", swiglu ? 1 : 0);
        k.put("use_bias", bias ? 1 : 0);
        k.put("use_qk_norm", qkNorm ? 1 : 0);
        k.put("use_post_norm", postNorm ? 1 : 0);
        k.put("use_final_norm", finalNorm ? 1 : 0);
        k.put("norm_type", switch (normType) { case LAYER_NORM -> "layer_norm"; case RMS_NORM -> "rms_norm"; case NONE -> "none"; });
        k.put("soft_clip", softClip);
        k.put("seq_order", reversedOrder ? "R2L" : "L2R");
        k.put("top_block_channels", topChannels);
        k.put("img_size", imgSize);
        if (ptSeqLen > 0) k.put("pt_seq_len", ptSeqLen); else k.putNull("pt_seq_len");
        k.put("temporal_causal", temporalCausal);
        k.put("shallow_block_local", shallowBlockLocal ? 1 : 0);
        k.put("learnable_self_denoiser", denoiser ? 1 : 0);
        k.put("conditional_denoiser", conditionalDenoiser ? 1 : 0);
        if (denoiserWindow > 0) k.put("denoiser_window", denoiserWindow); else k.putNull("denoiser_window");
        k.putNull("local_attn_window");
        if (positionEmbedding) k.put("pos_embed", 1);
        if (positionFrames > 0) k.put("pos_embed_frames", positionFrames);
        root.put("noise_std", noiseStd);
        root.put("cond_noise_level", condNoiseLevel ? 1 : 0);
        root.put("latent_norm_regularization", latentNormRegularization);
        return root;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowConfig f && toJson().equals(f.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
