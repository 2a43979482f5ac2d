package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static dev.strom.flow.FlowFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prediction_context}: the deep block of a motion-compensated flow reads, at each token's place, the frame the
 * compensation predicts and the last frame. Both come from earlier frames only, so the flow stays causal and
 * invertible (InvertibilityTest, CausalityTest, ContextFramesTest and JacobiInverseTest run it too); sampling makes
 * each frame whole before the next one's prediction is read (its drafts: MotionCompensationTest).
 */
class PredictionContextTest {

    private static NDArray frame(NDArray x, int t) {
        return x.get(new NDIndex().addAllDim().addSliceDim(t, t + 1));
    }

    /** Channels [from, to) of [B, T, C, H, W]. */
    private static NDArray channels(NDArray x, int from, int to) {
        return x.get(new NDIndex().addAllDim().addAllDim().addSliceDim(from, to));
    }

    @Test
    void eachFrameSeesItsPredictionAndTheLastFrameAndTheFirstFramesSeeZerosWhereThereIsNone() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(3);
            NDArray x = FlowFixtures.randn(m, rng, 2, 5, 3, 8, 8);
            MotionCompensation mc = new MotionCompensation(2, 0.1, 3);
            MotionCompensation.Coded coded = mc.code(x);
            NDArray seen = coded.seen();
            assertEquals(0.0, maxAbsDiff(coded.residual(), mc.residual(x)), "the residual is the one the flow codes");
            assertEquals(new Shape(2, 5, 6, 8, 8), seen.getShape());
            assertEquals(0.0, frame(seen, 0).abs().max().getFloat(), "frame 0 sees nothing");
            assertEquals(0.0, channels(frame(seen, 1), 0, 3).abs().max().getFloat(), "frame 1 is coded as it is: no prediction");
            assertEquals(0.0, maxAbsDiff(channels(frame(seen, 1), 3, 6), frame(x, 0)), "frame 1 sees frame 0");
            NDArray predicted = frame(x, 2).sub(frame(mc.residual(x), 2));
            assertTrue(maxAbsDiff(channels(frame(seen, 2), 0, 3), predicted) < 1e-5, "frame 2 sees what it is coded against");
            assertEquals(0.0, maxAbsDiff(channels(frame(seen, 4), 3, 6), frame(x, 3)), "and the frame before it");

            MotionCompensation.Restorer r = mc.restorer(null, false);
            NDArray y = mc.residual(x);
            Shape one = new Shape(2, 1, 3, 8, 8);
            for (int t = 0; t < 5; t++) {
                assertTrue(maxAbsDiff(r.seenNext(m, one), frame(seen, t)) < 1e-4, "the restorer sees frame " + t + " as the clip does");
                r.next(frame(y, t));
            }
        }
    }

    @Test
    void aCheckpointWithoutTheReadingLoadsWithItAtZeroAndComputesWhatItDid() {
        FlowConfig without = FlowFixtures.videoMotionCompensated();
        FlowConfig with = FlowFixtures.videoReadingPrediction();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow old = FlowFixtures.perturbedModel(without, m, 41)) {
            Map<String, TensorData> tensors = old.parameters().snapshot();
            try (StarFlow grown = StarFlow.load(with, m, tensors)) {
                assertEquals(1, grown.parameters().zeroStarted().size(), grown.parameters().zeroStarted().toString());
                Random rng = new Random(4);
                NDArray x = FlowFixtures.latent(m, with, rng, 2, 4);
                TextFeatures text = FlowFixtures.text(m, with, rng, 2);
                assertEquals(0.0, maxAbsDiff(grown.forward(x, text).z(), old.forward(x, text).z()), "forward");
                NDArray z = FlowFixtures.latent(m, with, rng, 2, 4);
                NDArray a = grown.reverse(z, Conditioning.on(text), ReverseOptions.of(new SequentialInverse()));
                NDArray b = old.reverse(z, Conditioning.on(text), ReverseOptions.of(new SequentialInverse()));
                assertTrue(maxAbsDiff(a, b) < 1e-5, "frame by frame the sample is the same: " + maxAbsDiff(a, b));
            }
        }
    }

    @Test
    void theDeepBlockReadsItSoEveryFrameButTheFirstIsCodedDifferently() {
        FlowConfig with = FlowFixtures.videoReadingPrediction();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow reading = FlowFixtures.perturbedModel(with, m, 42)) {
            Map<String, TensorData> zeroed = reading.parameters().snapshot().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getKey().endsWith("prediction_in")
                            ? new TensorData(e.getValue().shape(), new float[e.getValue().values().length]) : e.getValue()));
            try (StarFlow blind = StarFlow.load(with, m, zeroed)) {
                Random rng = new Random(5);
                NDArray x = FlowFixtures.latent(m, with, rng, 1, 4);
                TextFeatures text = FlowFixtures.text(m, with, rng, 1);
                NDArray a = reading.forward(x, text).z();
                NDArray b = blind.forward(x, text).z();
                assertEquals(0.0, maxAbsDiff(frame(a, 0), frame(b, 0)), "frame 0 sees zeros");
                for (int t = 1; t < 4; t++) {
                    assertTrue(maxAbsDiff(frame(a, t), frame(b, t)) > 1e-3, "frame " + t + " is coded given what it sees");
                }
            }
        }
    }
}
