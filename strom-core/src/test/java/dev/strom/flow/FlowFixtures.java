package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

/**
 * Tiny models and inputs shared by the flow tests. Every config is built from a reference-style
 * {@code config.json} document (the kwargs names of the reference constructor), so the tests read in the
 * reference's terms.
 */
final class FlowFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Text length used by every conditioned fixture. */
    static final int TEXT_LENGTH = 3;

    private FlowFixtures() {
    }

    /**
     * A reference-style config: a small conditioned image model (C=2, 4x4 latent, 3 blocks of 1 layer,
     * width 32 / top 64, head_dim 32, text [L, 8] into the top block only, softplus, final norm,
     * soft clip 4, L2R) with the given model_kwargs overridden. An int[] value for
     * "layers_per_block" also sets num_blocks.
     */
    static FlowConfig config(Object... overrides) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode k = root.putObject("model_kwargs");
        k.put("in_channels", 2);
        k.put("img_size", 4);
        k.put("patch_size", 1);
        k.put("channels", 32);
        k.put("top_block_channels", 64);
        k.put("num_blocks", 3);
        k.putArray("layers_per_block").add(1).add(1).add(1);
        k.put("head_dim", 32);
        k.put("txt_size", 4);
        k.put("txt_dim", 8);
        k.put("cond_top_only", 1);
        k.put("use_softplus", 1);
        k.put("use_final_norm", 1);
        k.put("soft_clip", 4.0);
        k.put("seq_order", "L2R");
        k.put("temporal_causal", 0);
        k.put("shallow_block_local", 0);
        root.put("noise_std", 0.5);
        for (int i = 0; i < overrides.length; i += 2) {
            String key = (String) overrides[i];
            Object v = overrides[i + 1];
            if (v instanceof int[] arr) {
                ArrayNode a = k.putArray(key);
                for (int x : arr) {
                    a.add(x);
                }
                if (key.equals("layers_per_block")) {
                    k.put("num_blocks", arr.length);
                }
            } else if (v instanceof Integer x) {
                k.put(key, x);
            } else if (v instanceof Double x) {
                k.put(key, x);
            } else if (v instanceof String x) {
                k.put(key, x);
            } else if (v == null) {
                k.putNull(key);
            } else {
                throw new IllegalArgumentException("unsupported override " + key + "=" + v);
            }
        }
        return FlowConfig.fromJson(root.toString());
    }

    /** Conditioned image model: permutations Flip / Identity / Flip, text into the top block only. */
    static FlowConfig imageText() {
        return config();
    }

    /** Causal video, shallow blocks see one frame at a time (FlipInBlock / Identity / FlipInBlock), RoPE side 3. */
    static FlowConfig videoFrameLocal() {
        return config("temporal_causal", 2, "shallow_block_local", 1, "pt_seq_len", 3);
    }

    /** Frame-local causal video whose deep block also embeds each token's place and frame (pos_embed, 4 frames). */
    static FlowConfig videoWithPlaces() {
        return config("temporal_causal", 2, "shallow_block_local", 1, "pos_embed", 1, "pos_embed_frames", 4);
    }

    /** Causal video whose shallow blocks see the whole clip, and text goes into every block. */
    static FlowConfig videoTextEverywhere() {
        return config("temporal_causal", 2, "shallow_block_local", 0, "cond_top_only", 0);
    }

    /** An unconditional image model (no text, no time axis), R2L order, head_dim 16. */
    static FlowConfig imageUnconditional() {
        return config("txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "seq_order", "R2L", "head_dim", 16);
    }

    /**
     * An unconditional image model exercising the other layer options: SwiGLU, RMSNorm, q/k norm, post
     * norm, grouped key/value heads, no biases, exp scales without soft clip.
     */
    static FlowConfig imageUnconditionalVariants() {
        return config("txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2,
                "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1,
                "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0);
    }

    /** Conditioned image model with 2x2 patches and an empty (identity) middle block. */
    static FlowConfig imagePatchedWithIdentityBlock() {
        return config("patch_size", 2, "img_size", 8, "layers_per_block", new int[]{1, 0, 2});
    }

    /** Frame-local video with 2x2 patches and an identity first block. */
    static FlowConfig videoPatchedWithIdentityBlock() {
        return config("temporal_causal", 2, "shallow_block_local", 1, "patch_size", 2, "img_size", 4,
                "layers_per_block", new int[]{0, 1, 1});
    }

    /**
     * A model with every proj_out.weight and position embedding set to 0.05 N(0,1) (a fresh model has them at
     * zero, which makes each block a constant affine map and the places no different), deterministic in {@code seed}.
     */
    static StarFlow perturbedModel(FlowConfig cfg, NDManager m, long seed) {
        StarFlow model = StarFlow.initialise(cfg, m, seed);
        perturbProjOut(model, seed + 1);
        return model;
    }

    static void perturbProjOut(StarFlow model, long seed) {
        Random rng = new Random(seed);
        for (String name : model.parameters().names()) {
            if (name.endsWith("proj_out.weight") || name.endsWith("_embed") && !name.endsWith("sos_embed")) {
                NDArray p = model.parameters().get(name);
                float[] v = new float[(int) p.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.05 * rng.nextGaussian());
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
    static NDArray text(NDManager m, FlowConfig cfg, Random rng, int batch) {
        return cfg.txtDim() == 0 ? null : randn(m, rng, batch, TEXT_LENGTH, cfg.txtDim());
    }

    /** A stand-in for the empty caption: zero except text slot 0, as in the reference vectors. */
    static NDArray emptyCaption(NDManager m, FlowConfig cfg, Random rng, int batch) {
        float[] v = new float[batch * TEXT_LENGTH * cfg.txtDim()];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cfg.txtDim(); c++) {
                v[b * TEXT_LENGTH * cfg.txtDim() + c] = (float) rng.nextGaussian();
            }
        }
        return m.create(v, new Shape(batch, TEXT_LENGTH, cfg.txtDim()));
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
