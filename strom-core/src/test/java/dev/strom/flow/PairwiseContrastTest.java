package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Future contrast scored pairwise: each corruption against the truth on its own, none of them taking all the gradient. */
class PairwiseContrastTest {

    @Test
    void eachPairCostsTheSoftplusOfItsGapAndAFarLikelierCandidateDoesNotSilenceTheOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one clip: the truth, a candidate 700 nats less likely, one 5 nats likelier ("held"), one 600 likelier ("removed")
            NDArray ll = m.create(new float[]{0f, -700f, 5f, 600f}, new Shape(1, 4));
            ll.setRequiresGradient(true);
            try (GradientCollector g = m.getEngine().newGradientCollector()) {
                NDArray loss = FlowLoss.pairwiseContrast(ll, 0f);
                double expected = (0 + Math.log1p(Math.exp(5)) + 600) / 3;
                assertEquals(expected, loss.getFloat(), 1e-3);
                g.backward(loss);
            }
            float[] grad = ll.getGradient().toFloatArray();
            assertEquals(0, grad[1], 1e-6, "a candidate far less likely than the truth teaches nothing");
            assertEquals(0.9933 / 3, grad[2], 1e-3, "held gets its own gradient, sigmoid(5) / 3");
            assertEquals(1.0 / 3, grad[3], 1e-3, "removed's gradient is bounded by one pair's share");
            assertTrue(grad[0] < 0, "the truth is pushed up");
        }
    }

    @Test
    void aMarginAsksTheTruthToLeadByThatMuch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tied = m.create(new float[]{0f, 0f}, new Shape(1, 2));
            assertEquals(Math.log(2), FlowLoss.pairwiseContrast(tied, 0f).getFloat(), 1e-5);
            assertEquals(Math.log1p(Math.exp(3)), FlowLoss.pairwiseContrast(tied, 3f).getFloat(), 1e-4);
        }
    }
}
