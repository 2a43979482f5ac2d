package dev.strom.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import java.util.Random;

class ScratchNanTest {
    @Test
    void probe() {
        Object[][] variants = {
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_post_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_softplus", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "soft_clip", 0.0},
{"txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2, "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1, "use_bias", 0, "use_softplus", 0}};
        for (Object[] v : variants) for (int ROW = 0; ROW < 32; ROW += 1) {
            FlowConfig cfg = FlowFixtures.config(v);
            try (NDManager m = NDManager.newBaseManager(); StarFlow model = FlowFixtures.perturbedModel(cfg, m, 21)) {
                Random rng = new Random(8);
                NDArray leaf = FlowFixtures.randn(m, rng, 1, 2, 4, 4);
                leaf.setRequiresGradient(true);
                try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray z = model.forward(leaf, null).z();
                    c.backward(z.reshape(-1).get(ROW));
                    float[] g = leaf.getGradient().toFloatArray();
                    int nan = 0; for (float f : g) if (Float.isNaN(f)) nan++;
                    System.out.println("v" + v.length + " row " + ROW + " nan=" + nan + " z=" + z.reshape(-1).getFloat(ROW));
                }
            }
        }
    }
}
