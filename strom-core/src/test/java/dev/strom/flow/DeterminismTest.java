package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs are reproducible: a seed fixes every parameter, and every computation gives the same bits again. */
class DeterminismTest {

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        FlowConfig cfg = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow a = StarFlow.initialise(cfg, m, 7);
             StarFlow b = StarFlow.initialise(cfg, m, 7)) {
            Map<String, TensorData> pa = a.parameters().snapshot();
            Map<String, TensorData> pb = b.parameters().snapshot();
            assertEquals(List.copyOf(pa.keySet()), List.copyOf(pb.keySet()), "same names in the same order");
            for (String name : pa.keySet()) {
                assertArrayEquals(pa.get(name).shape(), pb.get(name).shape(), name);
                assertArrayEquals(pa.get(name).values(), pb.get(name).values(), name);
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentParameters() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow a = StarFlow.initialise(cfg, m, 7);
             StarFlow b = StarFlow.initialise(cfg, m, 8)) {
            float[] wa = a.parameters().get("blocks.0.proj_in.weight").toFloatArray();
            float[] wb = b.parameters().get("blocks.0.proj_in.weight").toFloatArray();
            assertTrue(FlowFixtures.maxAbsDiff(wa, wb) > 1e-3);
        }
    }

    @Test
    void freshModelFollowsTheReferenceInitialisation() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = StarFlow.initialise(cfg, m, 3)) {
            for (String name : model.parameters().names()) {
                float[] v = model.parameters().get(name).toFloatArray();
                if (name.endsWith("proj_out.weight")) {
                    for (float f : v) {
                        assertEquals(0f, f, name + " starts at zero");
                    }
                } else if (name.endsWith(".attention.norm.weight") || name.endsWith(".mlp.norm.weight")) {
                    for (float f : v) {
                        assertEquals(1f, f, name + " (LayerNorm gain) starts at one");
                    }
                } else if (name.endsWith("final_norm.weight")) {
                    for (float f : v) {
                        assertEquals(0f, f, name + " (RMSNorm, gain 1 + w) starts at zero");
                    }
                } else if (name.endsWith("proj_in.weight")) {
                    double bound = 1 / Math.sqrt(cfg.tokenDim());
                    for (float f : v) {
                        assertTrue(Math.abs(f) <= bound, name + " is U(-1/sqrt(fan_in), 1/sqrt(fan_in))");
                    }
                }
            }
        }
    }

    @Test
    void reverseIsBitIdenticalWhenRunTwice() {
        FlowConfig cfg = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow a = FlowFixtures.perturbedModel(cfg, m, 61);
             StarFlow b = FlowFixtures.perturbedModel(cfg, m, 61)) {
            Random rng = new Random(17);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 2, 2);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);
            TextFeatures yu = FlowFixtures.emptyCaption(m, cfg, rng, 2);

            float[] first = a.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new SequentialInverse())).toFloatArray();
            float[] again = a.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new SequentialInverse())).toFloatArray();
            float[] otherInstance = b.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new SequentialInverse())).toFloatArray();
            assertArrayEquals(first, again, "same model, same inputs");
            assertArrayEquals(first, otherInstance, "a second model from the same seed");

            float[] jacobi = a.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new JacobiInverse(4, 32, 1e-3))).toFloatArray();
            float[] jacobiAgain = b.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new JacobiInverse(4, 32, 1e-3))).toFloatArray();
            assertArrayEquals(jacobi, jacobiAgain, "threshold Jacobi takes the same decisions every time");
        }
    }

    @Test
    void forwardIsBitIdenticalWhenRunTwice() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 62)) {
            Random rng = new Random(18);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 2, 0);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);
            ForwardPass p1 = model.forward(x, y);
            ForwardPass p2 = model.forward(x, y);
            assertArrayEquals(p1.z().toFloatArray(), p2.z().toFloatArray());
            assertArrayEquals(p1.loss().toFloatArray(), p2.loss().toFloatArray());
        }
    }
}
