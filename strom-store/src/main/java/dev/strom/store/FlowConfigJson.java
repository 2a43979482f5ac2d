package dev.strom.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.FlowConfig.NormType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link FlowConfig} as JSON in the reference's terms: a reference {@code config.json} ({@code model_kwargs}
 * beside the flow-level constants {@code noise_std}, {@code cond_noise_level}, {@code latent_norm_regularization})
 * or the {@code model_kwargs} object alone. Missing keys take the reference constructor's defaults; options
 * Strom does not implement are refused by name rather than ignored.
 */
public final class FlowConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FlowConfigJson() {
    }

    /** Reads a config: either a reference config.json (with model_kwargs) or the model_kwargs object itself. */
    public static FlowConfig fromJson(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (IOException e) {
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
                k.path("pos_embed_frames").asInt(0), k.path("motion_context").asInt(0),
                k.path("motion_compensation").asInt(0), flag(k, "prediction_context", false),
                flag(k, "first_step_motion", false), k.path("txt_vocab").asInt(0), flag(k, "carry_size_rate", false),
                (float) k.path("clean_range").asDouble(FlowConfig.DEFAULT_CLEAN_RANGE), flag(k, "edit_colours", false),
                flag(k, "edit_segment", false), k.path("match_window").asInt(0));
    }

    private static int req(JsonNode k, String name) {
        if (!k.path(name).isNumber()) {
            throw new IllegalArgumentException("config is missing " + name);
        }
        return k.get(name).asInt();
    }

    /** A 0/1 or true/false option of {@code model_kwargs} {@code k}, {@code dflt} where it is missing or null. */
    static boolean flag(JsonNode k, String name, boolean dflt) {
        JsonNode n = k.path(name);
        if (n.isMissingNode() || n.isNull()) return dflt;
        return n.isBoolean() ? n.asBoolean() : n.asInt() != 0;
    }

    /** The config as a reference-style document: {model_kwargs: {...}, noise_std, ...}. */
    public static ObjectNode toJson(FlowConfig c) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode k = root.putObject("model_kwargs");
        k.put("in_channels", c.inChannels());
        k.put("patch_size", c.patchSize());
        k.put("channels", c.channels());
        k.put("num_blocks", c.numBlocks());
        var lpb = k.putArray("layers_per_block");
        for (int l : c.layersPerBlock()) lpb.add(l);
        k.put("head_dim", c.headDim());
        if (c.numHeads() > 0) k.put("num_heads", c.numHeads()); else k.putNull("num_heads");
        if (c.numKvHeads() > 0) k.put("num_kv_heads", c.numKvHeads()); else k.putNull("num_kv_heads");
        k.put("rope", 1);
        k.put("sos", 1);
        k.put("txt_size", c.txtSize());
        k.put("txt_dim", c.txtDim());
        k.put("cond_top_only", c.condTopOnly() ? 1 : 0);
        k.put("use_softplus", c.softplus() ? 1 : 0);
        k.put("use_swiglu", c.swiglu() ? 1 : 0);
        k.put("use_bias", c.bias() ? 1 : 0);
        k.put("use_qk_norm", c.qkNorm() ? 1 : 0);
        k.put("use_post_norm", c.postNorm() ? 1 : 0);
        k.put("use_final_norm", c.finalNorm() ? 1 : 0);
        k.put("norm_type", switch (c.normType()) { case LAYER_NORM -> "layer_norm"; case RMS_NORM -> "rms_norm"; case NONE -> "none"; });
        k.put("soft_clip", c.softClip());
        k.put("seq_order", c.reversedOrder() ? "R2L" : "L2R");
        k.put("top_block_channels", c.topChannels());
        k.put("img_size", c.imgSize());
        if (c.ptSeqLen() > 0) k.put("pt_seq_len", c.ptSeqLen()); else k.putNull("pt_seq_len");
        k.put("temporal_causal", c.temporalCausal());
        k.put("shallow_block_local", c.shallowBlockLocal() ? 1 : 0);
        k.put("learnable_self_denoiser", c.denoiser() ? 1 : 0);
        k.put("conditional_denoiser", c.conditionalDenoiser() ? 1 : 0);
        if (c.denoiserWindow() > 0) k.put("denoiser_window", c.denoiserWindow()); else k.putNull("denoiser_window");
        k.putNull("local_attn_window");
        if (c.positionEmbedding()) k.put("pos_embed", 1);
        if (c.positionFrames() > 0) k.put("pos_embed_frames", c.positionFrames());
        if (c.motionContext() > 0) k.put("motion_context", c.motionContext());
        if (c.motionCompensation() > 0) k.put("motion_compensation", c.motionCompensation());
        if (c.predictionContext()) k.put("prediction_context", 1);
        if (c.firstStepMotion()) k.put("first_step_motion", 1);
        if (c.carrySizeRate()) k.put("carry_size_rate", 1);
        if (c.cleanRange() != FlowConfig.DEFAULT_CLEAN_RANGE) k.put("clean_range", c.cleanRange());
        if (c.editColours()) k.put("edit_colours", 1);
        if (c.editSegment()) k.put("edit_segment", 1);
        if (c.matchWindow() > 0) k.put("match_window", c.matchWindow());
        if (c.txtVocab() > 0) k.put("txt_vocab", c.txtVocab());
        root.put("noise_std", c.noiseStd());
        root.put("cond_noise_level", c.condNoiseLevel() ? 1 : 0);
        root.put("latent_norm_regularization", c.latentNormRegularization());
        return root;
    }
}
