package dev.strom.store;

import dev.strom.tensor.TensorData;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fine-tuned model's weights pulled back part of the way to the model it was fine-tuned from: every tensor
 * {@code weight * tuned + (1 - weight) * base}, as WiSE-FT (Wortsman et al., "Robust fine-tuning of zero-shot
 * models", 2022) does. Why: a short fine-tune teaches its new skill and also drifts in what it already did well; the
 * weights in between keep most of both, because a fine-tune from a model stays in that model's basin. In Strom the
 * fine-tune for edits made objects swell under guidance where the model before it did not, and halfway back kept
 * the edits and lost the swelling (docs/experiments.md, session 31).
 * <p>
 * Tensors the fine-tune added (a parameter switched on for it, started at zero) have no counterpart in the base and
 * are kept as trained. A base tensor the fine-tuned model lacks, or a shape that differs, means the two are not a
 * fine-tune and its base: refused.
 */
public final class WeightInterpolation {

    private WeightInterpolation() {
    }

    public static Map<String, TensorData> between(Map<String, TensorData> tuned, Map<String, TensorData> base, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("the fine-tuned model's weight must be in [0, 1], not " + weight);
        }
        for (String k : base.keySet()) {
            if (!tuned.containsKey(k)) {
                throw new IllegalArgumentException("the base has a tensor the fine-tuned model lacks: " + k);
            }
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tuned.entrySet()) {
            TensorData t = e.getValue();
            TensorData b = base.get(e.getKey());
            if (b == null) {
                out.put(e.getKey(), t);
                continue;
            }
            if (!Arrays.equals(t.shape(), b.shape())) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " is " + Arrays.toString(t.shape())
                        + " in the fine-tuned model and " + Arrays.toString(b.shape()) + " in the base");
            }
            float[] v = new float[t.values().length];
            float w = (float) weight;
            float rest = (float) (1 - weight);
            for (int i = 0; i < v.length; i++) {
                v[i] = w * t.values()[i] + rest * b.values()[i];
            }
            out.put(e.getKey(), new TensorData(t.shape().clone(), v));
        }
        return out;
    }
}
