package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.Parameters;
import dev.strom.tensor.TensorData;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import ai.djl.ndarray.NDScope;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * AdamW with decoupled weight decay, as torch.optim.AdamW computes it. Written here rather than taken
 * from DJL because DJL's optimisers keep their moment estimates private, and a resumable checkpoint
 * needs them.
 */
public final class AdamW {

    private final TrainSettings s;
    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private final Map<String, Float> scales = new HashMap<>();
    private int updates;

    public AdamW(TrainSettings settings) {
        this.s = settings;
    }

    /**
     * Multiplies the learning rate of one parameter: parameters new to a fine-tuned model start at zero beside
     * trained ones and would otherwise take most of a short run to matter.
     */
    public void scaleLearningRate(String name, float factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("learning-rate factor must be > 0");
        }
        scales.put(name, factor);
    }

    /** Applies one update to every parameter in place; grads are already clipped. */
    public void update(Map<String, NDArray> params, Map<String, NDArray> grads, float lr) {
        updates++;
        double bc1 = 1 - Math.pow(s.beta1(), updates);
        double bc2 = 1 - Math.pow(s.beta2(), updates);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = grads.get(e.getKey());
            if (g == null) {
                continue;
            }
            float plr = lr * scales.getOrDefault(e.getKey(), 1f);
            NDArray m = first.computeIfAbsent(e.getKey(), k -> detached(p.zerosLike()));
            NDArray v = second.computeIfAbsent(e.getKey(), k -> detached(p.zerosLike()));
            p.muli(1 - plr * s.weightDecay());
            m.muli(s.beta1()).addi(Scalar.mul(g, 1 - s.beta1()));
            v.muli(s.beta2()).addi(Scalar.mul(g.square(), 1 - s.beta2()));
            NDArray denom = Scalar.div(v.sqrt(), Math.sqrt(bc2)).add(s.epsilon());
            p.subi(Scalar.mul(m.div(denom), plr / bc1));
        }
    }

    private static NDArray detached(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    /** Moments, step count and learning-rate factors, to resume exactly. */
    public Map<String, TensorData> state() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        first.forEach((k, v) -> out.put("adam.m." + k, Parameters.heap(v)));
        second.forEach((k, v) -> out.put("adam.v." + k, Parameters.heap(v)));
        scales.forEach((k, f) -> out.put("adam.lr_scale." + k, new TensorData(new long[]{1}, new float[]{f})));
        out.put("adam.updates", new TensorData(new long[]{1}, new float[]{updates}));
        return out;
    }

    public void restore(Map<String, TensorData> state, Map<String, NDArray> params) {
        TensorData u = state.get("adam.updates");
        if (u == null) {
            throw new IllegalArgumentException("optimizer state has no 'adam.updates'");
        }
        updates = (int) u.values()[0];
        state.forEach((k, t) -> {
            if (k.startsWith("adam.lr_scale.")) {
                scaleLearningRate(k.substring("adam.lr_scale.".length()), t.values()[0]);
            }
        });
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            restoreInto(first, "adam.m.", e, state);
            restoreInto(second, "adam.v.", e, state);
        }
    }

    private static void restoreInto(Map<String, NDArray> into, String prefix, Map.Entry<String, NDArray> p,
                                    Map<String, TensorData> state) {
        TensorData t = state.get(prefix + p.getKey());
        if (t != null) {
            NDArray a = Tensors.of(p.getValue().getManager(), t.values(), new Shape(t.shape()));
            into.put(p.getKey(), detached(a));
        }
    }
}
