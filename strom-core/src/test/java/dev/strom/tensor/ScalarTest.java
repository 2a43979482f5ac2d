package dev.strom.tensor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Arithmetic with a constant keeps the constant for as long as autograd needs it: a garbage collection between the
 * forward and the backward pass changes no gradient. (DJL's own {@code x.mul(3f)} gives 3.4e38 here.)
 */
class ScalarTest {

    @Test
    void aProductsGradientIsTheConstantAfterTheCollectorHasRunBeforeBackward() throws Exception {
        assertGradientAfterChurn(x -> Scalar.mul(x, 3), 3f);
    }

    @Test
    void aQuotientsGradientIsOneOverTheConstant() throws Exception {
        assertGradientAfterChurn(x -> Scalar.div(x, 4), 0.25f);
    }

    @Test
    void aPowersGradientReadsTheExponent() throws Exception {
        // d/dx x^3 at x = 2
        assertGradientAfterChurn(x -> Scalar.pow(x, 3), 12f);
    }

    @Test
    void aMaximumOrMinimumPassesTheGradientOnlyWhereTheTensorWins() throws Exception {
        assertGradientAfterChurn(x -> Scalar.maximum(x, 1), 1f);
        assertGradientAfterChurn(x -> Scalar.maximum(x, 5), 0f);
        assertGradientAfterChurn(x -> Scalar.minimum(x, 5), 1f);
        assertGradientAfterChurn(x -> Scalar.minimum(x, 1), 0f);
    }

    /** x = 2 everywhere; the gradient of sum(f(x)) must be {@code expected} everywhere, in each of three rounds. */
    private static void assertGradientAfterChurn(UnaryOperator<NDArray> f, float expected) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 3; round++) {
                NDArray x = m.full(new Shape(8), 2f);
                try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                    x.setRequiresGradient(true);
                    NDArray y = f.apply(x).sum();
                    Churn.run();
                    c.backward(y);
                    float[] want = new float[8];
                    java.util.Arrays.fill(want, expected);
                    assertArrayEquals(want, x.getGradient().toFloatArray(), "round " + round);
                }
            }
        }
    }
}
