package dev.strom.store.reference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.flow.Conditioning;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.ForwardPass;
import dev.strom.flow.InverseMethod;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.LearnedDenoiser;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.SequentialInverse;
import dev.strom.flow.StarFlow;
import dev.strom.video.Sampling;
import dev.strom.store.FlowConfigJson;
import dev.strom.tensor.TensorData;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.strom.tensor.Tensors;

/**
 * Rebuilds a model from a reference case's config and weights, reruns every stored computation, and
 * compares: tensors by max absolute error, gradients relative to their largest entry, losses relative.
 */
public final class ReferenceCheck {

    /** The bar: 1e-4 absolute for tensors, 1e-4 relative for losses and gradients. */
    public static final double TOLERANCE = 1e-4;

    private final ReferenceCase c;
    private final List<Comparison> results = new ArrayList<>();

    private ReferenceCheck(ReferenceCase c) {
        this.c = c;
    }

    public static List<Comparison> run(ReferenceCase c, NDManager manager) {
        ReferenceCheck check = new ReferenceCheck(c);
        FlowConfig config = FlowConfigJson.fromJson(c.config());
        try (NDManager m = manager.newSubManager();
             StarFlow flow = StarFlow.load(config, m, c.weights());
             NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            check.forward(flow, m);
            check.reverse(flow, m);
            if (c.denoiser() != null && flow.denoiser() != null) {
                check.denoiser(flow, m);
            }
        }
        return check.results;
    }

    private NDArray load(NDManager m, Map<String, TensorData> file, String fileName, String key) {
        TensorData t = c.tensor(file, fileName, key);
        return Tensors.of(m, t.values(), new Shape(t.shape()));
    }

    private void forward(StarFlow flow, NDManager m) {
        Map<String, TensorData> f = c.forward();
        NDArray x = load(m, f, "forward", "x");
        NDArray y = flow.config().txtDim() > 0 ? load(m, f, "forward", "y") : null;
        ForwardPass pass = flow.forward(x, y);
        tensor("forward/z", pass.z(), f.get("z"));
        if (pass.textOut() != null && f.containsKey("y_out")) {
            tensor("forward/y_out", pass.textOut(), f.get("y_out"));
        }
        for (int k = 0; k < pass.outputs().size(); k++) {
            tensor("forward/outputs." + k, pass.outputs().get(k), c.tensor(f, "forward", "outputs." + k));
        }
        for (int k = 0; k < pass.logdets().size(); k++) {
            tensor("forward/logdet." + k, pass.logdets().get(k), c.tensor(f, "forward", "logdet." + k));
        }
        relative("forward/loss_z", pass.lossZ(), f.get("loss_z"));
        relative("forward/loss_logdet", pass.lossLogdet(), f.get("loss_logdet"));
        relative("forward/loss_per_sample", pass.lossPerSample(), f.get("loss_per_sample"));
        relative("forward/loss", pass.loss(), c.tensor(f, "forward", "loss"));
        relative("forward/train_loss", FlowLoss.training(pass, flow.config()), f.get("train_loss"));

        // Gradients of the unweighted loss, w.r.t. the input and the stored parameters.
        NDArray leaf = x.duplicate();
        var params = flow.parameters();
        params.requireGradients(true);
        leaf.setRequiresGradient(true);
        try (var collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.zeroGradients();
            collector.backward(flow.forward(leaf, y).loss());
        }
        gradient("forward/grad_x", leaf.getGradient(), f.get("grad_x"));
        for (String key : f.keySet()) {
            if (key.startsWith("grad.")) {
                gradient("forward/" + key, params.get(key.substring(5)).getGradient(), f.get(key));
            }
        }
        params.requireGradients(false);
    }

    private void reverse(StarFlow flow, NDManager m) {
        Map<String, TensorData> r = c.reverse();
        NDArray z = load(m, r, "reverse", "z");
        boolean text = flow.config().txtDim() > 0;
        NDArray yc = text ? load(m, r, "reverse", "y_cond") : null;
        NDArray yu = text ? load(m, r, "reverse", "y_uncond") : null;
        JsonNode guidances = c.config().path("guidances");
        for (JsonNode g : guidances) {
            float w = (float) g.asDouble();
            String tag = "g" + guidanceTag(g.asDouble());
            NDArray uncond = w > 0 ? yu : null;
            runInverse("seq." + tag, flow, z, yc, uncond, w, new SequentialInverse(), r);
            JsonNode jc = c.config().path("jacobi");
            JacobiInverse jacobi = (JacobiInverse) jacobiFrom(jc);
            runInverse("jacobi." + tag, flow, z, yc, uncond, w, jacobi, r);
            JsonNode expected = c.report() == null ? null
                    : c.report().path("reverse").path(tag).path("jacobi_iterations_per_chunk_in_call_order");
            if (expected != null && expected.isArray()) {
                List<Integer> ours = jacobi.iterationsPerChunk();
                int mismatched = Math.abs(ours.size() - expected.size());
                for (int i = 0; i < Math.min(ours.size(), expected.size()); i++) {
                    if (ours.get(i) != expected.get(i).asInt()) {
                        mismatched++;
                    }
                }
                results.add(new Comparison("reverse/jacobi." + tag + ".iterations", mismatched, 0, "chunks off"));
            }
            JsonNode je = c.config().path("jacobi_exact");
            if (!je.isMissingNode() && r.containsKey("jacobi_exact." + tag + ".x")) {
                runInverse("jacobi_exact." + tag, flow, z, yc, uncond, w, jacobiFrom(je), r);
            }
        }
    }

    /** The reference's own Jacobi settings for the case. */
    private static InverseMethod jacobiFrom(JsonNode j) {
        return Sampling.Inversion.jacobi(j.path("jacobi_block_size").asInt(), j.path("jacobi_max_iter").asInt(),
                j.path("jacobi_th").asDouble()).method();
    }

    private void runInverse(String prefix, StarFlow flow, NDArray z, NDArray y, NDArray yUncond, float w,
                            InverseMethod method, Map<String, TensorData> r) {
        List<NDArray> stages = flow.reverseStages(z, new Conditioning(y, yUncond, w), ReverseOptions.of(method));
        tensor("reverse/" + prefix + ".x", stages.get(stages.size() - 1), c.tensor(r, "reverse", prefix + ".x"));
        for (int s = 0; s < stages.size(); s++) {
            TensorData ref = r.get(prefix + ".stage." + s);
            if (ref != null) {
                tensor("reverse/" + prefix + ".stage." + s, stages.get(s), ref);
            }
        }
    }

    private void denoiser(StarFlow flow, NDManager m) {
        Map<String, TensorData> d = c.denoiser();
        NDArray x = load(m, d, "denoiser", "x");
        NDArray y = flow.config().txtDim() > 0 ? load(m, d, "denoiser", "y") : null;
        LearnedDenoiser den = flow.denoiser();
        NDArray out = den.predict(x, y);
        tensor("denoiser/out", out, d.get("out"));
        tensor("denoiser/x_denoised", den.denoise(x, y), d.get("x_denoised"));
        if (d.containsKey("target_score")) {
            NDArray target = LearnedDenoiser.target(flow, x, TextFeatures.of(y));
            gradient("denoiser/target_score", target, d.get("target_score"));
            relative("denoiser/loss_denoiser", den.loss(x, y, target), d.get("loss_denoiser"));
        }
    }

    static String guidanceTag(double g) {
        String s = String.format(Locale.ROOT, "%s", g);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s.replace('.', 'p');
    }

    // ---- comparisons ----

    private void tensor(String name, NDArray ours, TensorData ref) {
        if (ref == null) {
            return;
        }
        results.add(new Comparison(name, maxAbs(ours, ref), TOLERANCE, "max abs"));
    }

    private void gradient(String name, NDArray ours, TensorData ref) {
        if (ref == null) {
            return;
        }
        double scale = 0;
        for (float v : ref.values()) {
            scale = Math.max(scale, Math.abs(v));
        }
        results.add(new Comparison(name, maxAbs(ours, ref) / Math.max(scale, 1e-12), TOLERANCE, "rel to max"));
    }

    private void relative(String name, NDArray ours, TensorData ref) {
        if (ref == null) {
            return;
        }
        float[] a = ours.toFloatArray();
        double err = 0;
        for (int i = 0; i < a.length; i++) {
            double r = ref.values()[i];
            err = Math.max(err, Math.abs(a[i] - r) / Math.max(Math.abs(r), 1e-12));
        }
        results.add(new Comparison(name, err, TOLERANCE, "relative"));
    }

    private static double maxAbs(NDArray ours, TensorData ref) {
        float[] a = ours.toFloatArray();
        if (a.length != ref.values().length) {
            return Double.POSITIVE_INFINITY;
        }
        double err = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - ref.values()[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            err = Math.max(err, d);
        }
        return err;
    }
}
