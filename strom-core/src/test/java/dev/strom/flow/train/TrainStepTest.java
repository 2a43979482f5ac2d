package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.StarFlow;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.LinkedHashMap;

class TrainStepTest {

    /** A 2-block image flow over 8x8x3 latents with patch 2, text of 4 tokens x 8 features. */
    static FlowConfig tiny() {
        return FlowConfig.builder().inChannels(3).imgSize(8).patchSize(2).channels(32).layersPerBlock(1, 1)
                .headDim(32).txtSize(4).txtDim(8).condTopOnly(true).softplus(true).finalNorm(true).softClip(4)
                .reversedOrder(false).noiseStd(0.1f).build();
    }

    static NDArray toyImages(NDManager m, int batch) {
        float[] v = new float[batch * 3 * 8 * 8];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        v[((b * 3 + c) * 8 + y) * 8 + x] = (float) Math.sin(0.7 * x + 0.5 * y * (c + 1) + b);
                    }
                }
            }
        }
        return m.create(v, new Shape(batch, 3, 8, 8));
    }

    static NDArray toyText(NDManager m, int batch) {
        Random r = new Random(5);
        float[] v = new float[batch * 4 * 8];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return m.create(v, new Shape(batch, 4, 8));
    }

    static List<TrainStep.Result> train(StarFlow flow, TrainStep step, NDArray x, NDArray y, int steps, long seed) {
        Random rng = new Random(seed);
        List<TrainStep.Result> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(step.run(() -> FlowLoss.training(
                    flow.forward(NoiseAugmentation.apply(x, flow.config().noiseStd(), rng), y), flow.config())));
        }
        return out;
    }

    @Test
    void lossFallsOnAFixedToyBatch() {
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 1)) {
            NDArray x = toyImages(m, 4);
            NDArray y = toyText(m, 4);
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(3e-3f, 10, 200));
            List<TrainStep.Result> log = train(flow, step, x, y, 200, 7);
            double first = log.subList(0, 10).stream().mapToDouble(TrainStep.Result::loss).average().orElseThrow();
            double last = log.subList(190, 200).stream().mapToDouble(TrainStep.Result::loss).average().orElseThrow();
            assertTrue(log.stream().noneMatch(TrainStep.Result::skipped));
            assertTrue(last < first - 1.0, "loss should fall by more than 1 nat/dim: " + first + " -> " + last);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalTraining() {
        float[][] finals = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
                TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 2, 10));
                train(flow, step, toyImages(m, 2), toyText(m, 2), 5, 11);
                finals[run] = flow.parameters().get("blocks.1.proj_out.weight").toFloatArray();
            }
        }
        assertArrayEquals(finals[0], finals[1]);
    }

    @Test
    void resumingFromSavedStateContinuesExactly() {
        float[] straight;
        float[] resumed;
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 2, 10));
            train(flow, step, toyImages(m, 2), toyText(m, 2), 3, 1);
            train(flow, step, toyImages(m, 2), toyText(m, 2), 3, 2);
            straight = flow.parameters().get("blocks.0.proj_out.weight").toFloatArray();
        }
        Map<String, TensorData> weights;
        Map<String, TensorData> optimizer;
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 2, 10));
            train(flow, step, toyImages(m, 2), toyText(m, 2), 3, 1);
            weights = flow.parameters().snapshot();
            optimizer = step.optimizer().state();
        }
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.load(tiny(), m, weights)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 2, 10));
            step.optimizer().restore(optimizer, flow.parameters().all());
            step.resumeAt(3);
            train(flow, step, toyImages(m, 2), toyText(m, 2), 3, 2);
            resumed = flow.parameters().get("blocks.0.proj_out.weight").toFloatArray();
        }
        assertArrayEquals(straight, resumed);
    }

    @Test
    void aStepOverPartsMovesTheParametersAsOneOverTheirSumDoes() {
        float[][] after = new float[2][];
        double[] losses = new double[2];
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
                TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 0, 10));
                NDArray x = toyImages(m, 4);
                NDArray y = toyText(m, 4);
                Supplier<NDArray> first = () -> FlowLoss.training(flow.forward(x.get("0:2"), y.get("0:2")), flow.config());
                Supplier<NDArray> second = () -> FlowLoss.training(flow.forward(x.get("2:4"), y.get("2:4")), flow.config()).mul(0.5f);
                TrainStep.Result r = run == 0 ? step.run(() -> first.get().add(second.get())) : step.run(List.of(first, second));
                assertFalse(r.skipped());
                losses[run] = r.loss();
                after[run] = flow.parameters().get("blocks.1.proj_out.weight").toFloatArray();
            }
        }
        assertEquals(losses[0], losses[1], 1e-5, "the loss is the parts' sum");
        for (int i = 0; i < after[0].length; i++) {
            assertEquals(after[0][i], after[1][i], 1e-6, "weight " + i);
        }
    }

    @Test
    void nonFiniteLossIsSkippedAndLeavesParametersUnchanged() {
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 0, 10));
            NDArray p = flow.parameters().get("blocks.0.proj_in.weight");
            float[] before = p.toFloatArray();
            TrainStep.Result r = step.run(() -> p.sum().mul(Float.NaN));
            assertTrue(r.skipped());
            assertArrayEquals(before, p.toFloatArray());
        }
    }

    @Test
    void aStepAfterOneWhoseGradientWasNotFiniteLearnsAgain() {
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 0, 10));
            NDArray p = flow.parameters().get("blocks.0.proj_in.weight");
            // a finite loss whose gradient is NaN: d sqrt(u) / du is infinite at u = 0, times d(p - p)/dp = 0
            TrainStep.Result nan = step.run(() -> p.sub(p).sqrt().sum());
            assertTrue(nan.skipped(), "NaN gradient: skipped");
            assertTrue(nan.reason().contains("NaN"), nan.reason());
            float[] before = p.toFloatArray();
            TrainStep.Result next = step.run(() -> p.square().sum());
            assertFalse(next.skipped(), "the NaN of the step before is gone: " + next.reason());
            assertTrue(Double.isFinite(next.gradNorm()) && next.gradNorm() > 0, "gradient norm " + next.gradNorm());
            assertFalse(Arrays.equals(before, p.toFloatArray()), "and the step is taken");
        }
    }

    @Test
    void explodingGradientIsSkipped() {
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(tiny(), m, 3)) {
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-3f, 0, 10));
            NDArray p = flow.parameters().get("blocks.0.proj_in.weight");
            TrainStep.Result r = step.run(() -> p.sum().mul(1e9f));
            assertTrue(r.skipped());
            assertTrue(r.reason().contains("exploded"));
        }
    }

    @Test
    void adamWMatchesTorchFormulaOnAScalar() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[]{2f}, new Shape(1));
            TrainSettings s = new TrainSettings(0.1f, 0.1f, 0, 100, 0.9f, 0.95f, 1e-8f, 0.01f, 0f, 1e9f);
            TrainStep step = new TrainStep(Map.of("w", w), s);
            // loss = w^2 -> g = 2w. Two steps by hand (constant lr because min = max):
            double p = 2, mm = 0, vv = 0;
            for (int t = 1; t <= 2; t++) {
                double g = 2 * p;
                p *= 1 - 0.1 * 0.01;
                mm = 0.9 * mm + 0.1 * g;
                vv = 0.95 * vv + 0.05 * g * g;
                double mhat = mm / (1 - Math.pow(0.9, t));
                double vhat = vv / (1 - Math.pow(0.95, t));
                p -= 0.1 * mhat / (Math.sqrt(vhat) + 1e-8);
                step.run(() -> w.square().sum());
            }
            assertEquals(p, w.getFloat(0), 1e-5);
        }
    }

    @Test
    void aScaledParameterTakesProportionallyLargerSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray plain = m.create(new float[]{1f}, new Shape(1));
            NDArray scaled = m.create(new float[]{1f}, new Shape(1));
            TrainSettings s = new TrainSettings(0.01f, 0.01f, 0, 100, 0.9f, 0.95f, 1e-8f, 0f, 0f, 1e9f);
            TrainStep step = new TrainStep(new LinkedHashMap<>(Map.of("plain", plain, "scaled", scaled)), s);
            step.optimizer().scaleLearningRate("scaled", 10f);
            step.run(() -> plain.square().sum().add(scaled.square().sum()));
            // Adam's first step moves each parameter by lr times the sign of its gradient
            assertEquals(1 - 0.01, plain.getFloat(0), 1e-5);
            assertEquals(1 - 0.1, scaled.getFloat(0), 1e-5);
        }
    }

    @Test
    void aResumedOptimizerKeepsItsLearningRateFactors() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainSettings s = new TrainSettings(0.01f, 0.01f, 0, 100, 0.9f, 0.95f, 1e-8f, 0f, 0f, 1e9f);
            NDArray before = m.create(new float[]{1f}, new Shape(1));
            TrainStep first = new TrainStep(new LinkedHashMap<>(Map.of("scaled", before)), s);
            first.optimizer().scaleLearningRate("scaled", 10f);
            Map<String, TensorData> state = first.optimizer().state();
            NDArray after = m.create(new float[]{1f}, new Shape(1));
            TrainStep resumed = new TrainStep(new LinkedHashMap<>(Map.of("scaled", after)), s);
            resumed.optimizer().restore(state, Map.of("scaled", after));
            resumed.run(() -> after.square().sum());
            assertEquals(1 - 0.1, after.getFloat(0), 1e-5, "the factor of 10 survives the checkpoint");
        }
    }

    @Test
    void gradientsAreClippedToTheGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[]{0f, 0f}, new Shape(2));
            // Plain SGD-like first Adam step moves each coordinate by lr regardless of scale, so check the
            // reported norm and that clipping keeps the first moment bounded by the clip norm.
            TrainSettings s = new TrainSettings(0.1f, 0.1f, 0, 10, 0.9f, 0.95f, 1e-8f, 0f, 1f, 1e9f);
            TrainStep step = new TrainStep(Map.of("w", w), s);
            TrainStep.Result r = step.run(() -> w.mul(m.create(new float[]{30f, 40f})).sum());
            assertEquals(50.0, r.gradNorm(), 1e-4);
            TensorData m1 = step.optimizer().state().get("adam.m.w");
            double norm = Math.hypot(m1.values()[0], m1.values()[1]);
            assertEquals(0.1, norm, 1e-4, "first moment = (1 - beta1) * clipped gradient of norm 1");
            assertFalse(r.skipped());
        }
    }

    @Test
    void scheduleWarmsUpThenDecaysByCosine() {
        LearningRateSchedule s = new LearningRateSchedule(new TrainSettings(1f, 0.1f, 10, 110, 0.9f, 0.95f, 1e-8f, 0f, 1f, 1e9f));
        assertEquals(0f, s.at(0), 1e-6);
        assertTrue(s.at(5) > 0.4 && s.at(5) < 0.6, "halfway through warm-up: " + s.at(5));
        assertTrue(s.at(10) > 0.95, "peak after warm-up: " + s.at(10));
        assertTrue(s.at(60) < s.at(20) && s.at(60) > 0.1, "decays: " + s.at(60));
        assertEquals(0.1f, s.at(1000), 1e-3, "ends at the minimum");
    }
}
