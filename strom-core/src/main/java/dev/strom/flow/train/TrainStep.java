package dev.strom.flow.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.strom.tensor.Scalar;

/**
 * One optimisation step over a set of named parameters: loss, backward, global-norm clipping, skip on a
 * non-finite loss or an exploding gradient, AdamW update with the scheduled learning rate.
 */
public final class TrainStep {

    /** What a step did. */
    public record Result(int step, double loss, double gradNorm, double learningRate, boolean skipped, String reason) {
    }

    private final Map<String, NDArray> params;
    private final TrainSettings settings;
    private final LearningRateSchedule schedule;
    private final AdamW optimizer;
    private int step;

    public TrainStep(Map<String, NDArray> params, TrainSettings settings) {
        this.params = params;
        this.settings = settings;
        this.schedule = new LearningRateSchedule(settings);
        this.optimizer = new AdamW(settings);
        params.values().forEach(p -> p.setRequiresGradient(true));
    }

    /** Steps taken so far (skipped ones included): the schedule's position. */
    public int step() {
        return step;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Resumes the schedule at the given step. */
    public void resumeAt(int step) {
        this.step = step;
    }

    /** Runs the loss built by {@code loss} (inside the gradient tape) and updates the parameters. */
    public Result run(Supplier<NDArray> loss) {
        return run(List.of(loss));
    }

    /**
     * Runs a loss that is the sum of {@code parts} and updates the parameters. Each part is built, taken back
     * through and let go before the next: its backward pass frees its graph and its scope closes its tensors, so a
     * step holds the activations of its largest part instead of the whole batch's (a dynamics batch of many kinds of
     * clip peaked at 9.1 GiB RSS built at once, 4.7 GiB part by part). The parameters' gradients add up over the
     * parts, as for the sum.
     */
    public Result run(List<Supplier<NDArray>> parts) {
        int at = step++;
        float lr = schedule.at(at);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Map<String, NDArray> grads = new HashMap<>();
            double l = 0;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                clearGradients();
                for (Supplier<NDArray> part : parts) {
                    try (NDScope partScope = new NDScope()) {
                        partScope.suppressNotUsedWarning();
                        NDArray value = part.get();
                        double v = value.getFloat();
                        l += v;
                        if (!Double.isFinite(v)) {
                            return new Result(at, l, Double.NaN, lr, true, "loss is not finite");
                        }
                        collector.backward(value);
                    }
                }
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    grads.put(e.getKey(), e.getValue().getGradient().duplicate());
                }
            }
            // The update runs outside the tape: parameters are changed in place.
            double sq = 0;
            for (NDArray g : grads.values()) {
                sq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (!Double.isFinite(norm) || norm > settings.explodeNorm()) {
                return new Result(at, l, norm, lr, true, "gradient norm " + norm + " exploded");
            }
            if (settings.clipNorm() > 0 && norm > settings.clipNorm()) {
                float factor = (float) (settings.clipNorm() / (norm + 1e-6));
                grads.replaceAll((k, g) -> Scalar.mul(g, factor));
            }
            optimizer.update(params, grads, lr);
            return new Result(at, l, norm, lr, false, null);
        }
    }

    /**
     * Sets every parameter's gradient to zero before the next backward pass. The engine's own zeroing subtracts a
     * gradient from itself, which leaves NaN as NaN: after one step whose gradient was not finite (skipped), every
     * later step's gradient came out NaN and was skipped too (a training run lost 55 of its first 110 steps so).
     */
    private void clearGradients() {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                NDArray g = p.getGradient();
                g.set(new float[Math.toIntExact(g.size())]);
            }
        }
    }
}
