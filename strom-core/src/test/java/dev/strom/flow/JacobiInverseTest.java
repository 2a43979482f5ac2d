package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.Supplier;

import static dev.strom.flow.FlowFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block-wise Jacobi iteration solves the same triangular system as the token-by-token inverse: run to
 * convergence it gives the sequential result, and with the sampling threshold it stays close while
 * taking fewer iterations than tokens.
 */
class JacobiInverseTest {

    @ParameterizedTest(name = "{0}")
    // every causal video model, the one whose deep block reads earlier frames among them: its chunks of 16 from
    // token 20 on span two frames, so a frame's context is read from the current guess
    @MethodSource("dev.strom.flow.CausalityTest#videoModels")
    void jacobiRunToConvergenceEqualsTheSequentialInverse(String name, Supplier<FlowConfig> config) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 31)) {
            Random rng = new Random(9);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 2, 3);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);

            NDArray sequential = model.reverse(z, Conditioning.on(y), ReverseOptions.of(new SequentialInverse()));
            JacobiInverse jacobi = new JacobiInverse(4, 64, 0);
            NDArray exact = model.reverse(z, Conditioning.on(y), ReverseOptions.of(jacobi));

            double diff = maxAbsDiff(exact, sequential);
            assertTrue(diff < 1e-4, "threshold-0 Jacobi differs from sequential by " + diff);
            // With threshold 0 no chunk stops early: every chunk runs the full 64 iterations.
            assertFalse(jacobi.iterationsPerChunk().isEmpty());
            assertTrue(jacobi.iterationsPerChunk().stream().allMatch(i -> i == 64), jacobi.iterationsPerChunk().toString());
        }
    }

    @Test
    void jacobiWithTheSamplingThresholdIsCloseAndStopsEarly() {
        FlowConfig cfg = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 31)) {
            Random rng = new Random(9);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 2, 3);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);

            NDArray sequential = model.reverse(z, Conditioning.on(y), ReverseOptions.of(new SequentialInverse()));
            JacobiInverse jacobi = new JacobiInverse(4, 32, 1e-3);
            NDArray approx = model.reverse(z, Conditioning.on(y), ReverseOptions.of(jacobi));

            double diff = maxAbsDiff(approx, sequential);
            assertTrue(diff < 0.1, "threshold-1e-3 Jacobi differs from sequential by " + diff);
            int iterations = jacobi.iterationsPerChunk().stream().mapToInt(Integer::intValue).sum();
            int chunks = jacobi.iterationsPerChunk().size();
            assertTrue(jacobi.iterationsPerChunk().stream().allMatch(i -> i >= 1 && i <= 32));
            // Each chunk stopped the first time its relative change fell under the threshold (or at max).
            assertEquals(iterations, jacobi.relativeChanges().size(), "one recorded change per iteration");
            int at = 0;
            for (int it : jacobi.iterationsPerChunk()) {
                for (int i = 0; i < it - 1; i++) {
                    assertTrue(jacobi.relativeChanges().get(at + i) >= 1e-3, "a chunk went on after converging");
                }
                if (it < 32) {
                    assertTrue(jacobi.relativeChanges().get(at + it - 1) < 1e-3);
                }
                at += it;
            }
            // The sequential inverse takes one step per token: 48 (deep block, 3 frames of 16) + 16 + 16
            // (frame-local blocks, all frames batched).
            int sequentialSteps = 48 + 16 + 16;
            assertTrue(iterations < sequentialSteps, "Jacobi took " + iterations + " steps in " + chunks
                    + " chunks, not fewer than the sequential " + sequentialSteps + ": " + jacobi.iterationsPerChunk());
        }
    }

    @Test
    void jacobiAgreesWithSequentialUnderGuidanceOnAnImage() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 32)) {
            Random rng = new Random(10);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 2, 0);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);
            TextFeatures yu = FlowFixtures.emptyCaption(m, cfg, rng, 2);

            NDArray sequential = model.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new SequentialInverse()));
            NDArray exact = model.reverse(z, new Conditioning(y, yu, 2.5f), ReverseOptions.of(new JacobiInverse(8, 64, 0)));
            double diff = maxAbsDiff(exact, sequential);
            assertTrue(diff < 1e-4, "guided threshold-0 Jacobi differs from sequential by " + diff);
        }
    }

    @Test
    void jacobiRejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new JacobiInverse(0, 32, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new JacobiInverse(4, 0, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new JacobiInverse(4, 32, -1));
    }
}
