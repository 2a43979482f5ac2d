package dev.strom.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients of the likelihood with respect to the input: they match finite differences, and they are not
 * corrupted by what happens on the Java heap between the forward and the backward pass.
 */
class LossGradientTest {

    /** Softplus scales with soft clip, SwiGLU (tanh GELU), noise-level weighting and latent-norm penalty. */
    private static FlowConfig config() {
        return FlowFixtures.config(b -> b.swiglu(true).layersPerBlock(1, 2));
    }

    /** {@link #config()} with the training loss's noise-level weighting and latent-norm penalty switched on. */
    private static FlowConfig trainingConfig() {
        return FlowFixtures.config(b -> b.swiglu(true).layersPerBlock(1, 2).condNoiseLevel(true)
                .latentNormRegularization(1e-2f));
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        FlowConfig cfg = config();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 81)) {
            Random rng = new Random(20);
            Shape shape = new Shape(1, 2, 4, 4);
            float[] x = FlowFixtures.gaussian(rng, shape.size());
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            float[] grad = model.lossGradient(m.create(x, shape), y, false).toFloatArray();
            double h = 1e-2;
            for (int i : new int[]{0, 5, 17, 31}) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double lp = model.forward(m.create(plus, shape), y).loss().getFloat();
                double lm = model.forward(m.create(minus, shape), y).loss().getFloat();
                double numeric = (lp - lm) / (2 * h);
                assertEquals(numeric, grad[i], 2e-3 * Math.max(1, Math.abs(numeric)) + 1e-4, "d loss / d x[" + i + "]");
            }
        }
    }

    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() throws Exception {
        FlowConfig cfg = trainingConfig();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 82)) {
            Random rng = new Random(21);
            Shape shape = new Shape(2, 2, 4, 4);
            float[] x = FlowFixtures.gaussian(rng, shape.size());
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);
            List<BiFunction<ForwardPass, FlowConfig, NDArray>> objectives = List.of(
                    (pass, c) -> pass.loss(),
                    FlowLoss::training);
            for (BiFunction<ForwardPass, FlowConfig, NDArray> objective : objectives) {
                float[] clean = gradient(model, x, shape, y, objective, false);
                for (float g : clean) {
                    assertTrue(Float.isFinite(g));
                }
                for (int rep = 0; rep < 3; rep++) {
                    float[] afterGc = gradient(model, x, shape, y, objective, true);
                    assertArrayEquals(clean, afterGc, "gradient changed after a GC between forward and backward");
                }
            }
        }
    }

    private static float[] gradient(StarFlow model, float[] x, Shape shape, TextFeatures y,
                                    BiFunction<ForwardPass, FlowConfig, NDArray> objective, boolean churn)
            throws InterruptedException {
        try (NDManager sub = NDManager.newBaseManager()) {
            NDArray leaf = sub.create(x, shape);
            leaf.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = objective.apply(model.forward(leaf, y), model.config());
                if (churn) {
                    churnNativeMemory();
                }
                collector.backward(loss);
                return leaf.getGradient().toFloatArray();
            }
        }
    }

    /**
     * Lets the GC collect every unreachable direct buffer (their memory goes back to malloc), then takes small
     * native blocks again and fills them with NaN, as an unrelated part of a program might.
     */
    private static void churnNativeMemory() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(i % 2 == 0 ? 4 : 8).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            if (b.capacity() == 8) {
                b.putDouble(0, Double.NaN);
            }
            junk.add(b);
        }
        junk.clear();
    }
}
