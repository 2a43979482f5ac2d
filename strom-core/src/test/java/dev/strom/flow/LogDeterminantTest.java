package dev.strom.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log-determinants the forward pass reports are the true log|det dz/dx|: summed over blocks and
 * elements they equal the log-determinant of the full Jacobian, built by autograd one output element at a
 * time and factorised in double precision.
 */
class LogDeterminantTest {

    private static final double TOLERANCE = 1e-3;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("image C=2 4x4, text", (Supplier<FlowConfig>) FlowFixtures::imageText, new long[]{1, 2, 4, 4}),
                Arguments.of("video T=2 C=2 2x2, frame-local shallow blocks",
                        (Supplier<FlowConfig>) () -> FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true)
                                .imgSize(2)), new long[]{1, 2, 2, 2, 2}),
                Arguments.of("image C=2 4x4, patch 2, identity block",
                        (Supplier<FlowConfig>) () -> FlowFixtures.config(b -> b.patchSize(2)
                                .layersPerBlock(1, 0, 1)), new long[]{1, 2, 4, 4}),
                Arguments.of("unconditional image C=2 4x4, exp scales, no soft clip",
                        (Supplier<FlowConfig>) FlowFixtures::imageUnconditionalVariants, new long[]{1, 2, 4, 4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void summedLogdetsEqualTheLogDeterminantOfTheJacobian(String name, Supplier<FlowConfig> config, long[] shape) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 21)) {
            Random rng = new Random(8);
            Shape s = new Shape(shape);
            float[] xData = FlowFixtures.gaussian(rng, s.size());
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            int d = (int) s.size();

            ForwardPass pass = model.forward(m.create(xData, s), y);
            double reported = 0;
            double magnitude = 0;
            for (NDArray l : pass.logdets()) {
                for (float v : l.toFloatArray()) {
                    reported += v;
                    magnitude += Math.abs(v);
                }
            }

            double[][] jacobian = new double[d][];
            for (int i = 0; i < d; i++) {
                jacobian[i] = jacobianRow(model, xData, s, y, i);
            }
            double bruteForce = logAbsDet(jacobian);

            assertTrue(magnitude > 0.5, "the test needs scales away from 1, got sum |logdet| = " + magnitude);
            assertEquals(bruteForce, reported, TOLERANCE, name + ": sum of logdets vs log|det J|");
            // The per-dimension loss's log-det term is the same quantity divided by D.
            assertEquals(-bruteForce / d, pass.lossLogdet().toFloatArray()[0], TOLERANCE / d);
        }
    }

    /** d z_i / d x as a row, from one backward pass on a fresh leaf. */
    private static double[] jacobianRow(StarFlow model, float[] xData, Shape s, TextFeatures y, int i) {
        try (NDManager row = NDManager.newBaseManager()) {
            NDArray leaf = row.create(xData, s);
            leaf.setRequiresGradient(true);
            float[] grad;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray z = model.forward(leaf, y).z();
                NDArray zi = z.reshape(-1).get(i);
                collector.backward(zi);
                grad = leaf.getGradient().toFloatArray();
            }
            double[] out = new double[grad.length];
            for (int j = 0; j < grad.length; j++) {
                out[j] = grad[j];
            }
            return out;
        }
    }

    /** log|det A| by LU decomposition with partial pivoting. */
    static double logAbsDet(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = matrix[i].clone();
        }
        double logDet = 0;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (a[pivot][col] == 0) {
                return Double.NEGATIVE_INFINITY;
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            logDet += Math.log(Math.abs(a[col][col]));
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f != 0) {
                    for (int c = col; c < n; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        return logDet;
    }

    @Test
    void luLogDeterminantIsRightOnAKnownMatrix() {
        // det [[0, 2, 1], [3, 1, 0], [1, 1, 1]] = 0*(1-0) - 2*(3-0) + 1*(3-1) = -4 (needs a pivot swap)
        double[][] a = {{0, 2, 1}, {3, 1, 0}, {1, 1, 1}};
        assertEquals(Math.log(4), logAbsDet(a), 1e-12);
    }
}
