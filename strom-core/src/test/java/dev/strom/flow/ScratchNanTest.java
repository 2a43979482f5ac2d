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
        String full = "num_heads,2,num_kv_heads,1;use_swiglu,1;norm_type,rms_norm;use_qk_norm,1;use_post_norm,1;use_bias,0;use_softplus,0;soft_clip,0.0";
        String[] opts = full.split(";");
        for (int drop = -1; drop < opts.length; drop++) {
            java.util.List<Object> kv = new java.util.ArrayList<>(java.util.List.of("txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16));
            for (int i = 0; i < opts.length; i++) {
                if (i == drop) continue;
                String[] p = opts[i].split(",");
                for (int j = 0; j < p.length; j += 2) {
                    Object v = p[j+1].matches("-?\\d+") ? (Object) Integer.parseInt(p[j+1]) : p[j+1].matches("[\\d.]+") ? (Object) Double.parseDouble(p[j+1]) : p[j+1];
                    kv.add(p[j]); kv.add(v);
                }
            }
            FlowConfig cfg = FlowFixtures.config(kv.toArray());
            int bad = 0, total = 0;
            try (NDManager m = NDManager.newBaseManager(); StarFlow model = FlowFixtures.perturbedModel(cfg, m, 21)) {
                Random rng = new Random(8);
                float[] xd = FlowFixtures.gaussian(rng, 32);
                for (int rep = 0; rep < 150; rep++) {
                    try (NDManager sub = m.newSubManager()) {
                    NDArray leaf = sub.create(xd, new Shape(1, 2, 4, 4));
                    leaf.setRequiresGradient(true);
                    try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray z = model.forward(leaf, null).z();
                        c.backward(z.reshape(-1).get(rep % 32));
                        float[] g = leaf.getGradient().toFloatArray();
                        total++;
                        for (float f : g) if (Float.isNaN(f)) { bad++; break; }
                    }
                    }
                }
            }
            System.out.println("drop " + (drop < 0 ? "none" : opts[drop]) + " bad " + bad + "/" + total);
        }
    }
}
