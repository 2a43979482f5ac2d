package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.strom.flow.FlowFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow is a bijection: generating from the noise that the data-to-noise pass produced gives the data
 * back (sequential inverse, random non-trivial weights), for every kind of block and layout.
 */
class InvertibilityTest {

    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("image, text into the top block (Flip/Identity/Flip)",
                        (Supplier<FlowConfig>) FlowFixtures::imageText, 0),
                Arguments.of("video, frame-local shallow blocks (FlipInBlock), pt_seq_len 3",
                        (Supplier<FlowConfig>) FlowFixtures::videoFrameLocal, 3),
                Arguments.of("video, clip-wide shallow blocks, text into every block",
                        (Supplier<FlowConfig>) FlowFixtures::videoTextEverywhere, 3),
                Arguments.of("unconditional image, R2L",
                        (Supplier<FlowConfig>) FlowFixtures::imageUnconditional, 0),
                Arguments.of("unconditional image, SwiGLU/RMSNorm/qk-norm/post-norm/GQA/no bias/exp scales",
                        (Supplier<FlowConfig>) FlowFixtures::imageUnconditionalVariants, 0),
                Arguments.of("image, patch 2, identity middle block",
                        (Supplier<FlowConfig>) FlowFixtures::imagePatchedWithIdentityBlock, 0),
                Arguments.of("video, deep block with place embeddings (pos_embed)",
                        (Supplier<FlowConfig>) FlowFixtures::videoWithPlaces, 3),
                Arguments.of("video, deep block reading the last 2 frames (motion_context), 4 frames",
                        (Supplier<FlowConfig>) FlowFixtures::videoWithMotion, 4),
                Arguments.of("video coded against its motion-compensated prediction, 4 frames",
                        (Supplier<FlowConfig>) FlowFixtures::videoMotionCompensated, 4),
                Arguments.of("motion-compensated, deep block reading the prediction (prediction_context), 4 frames",
                        (Supplier<FlowConfig>) FlowFixtures::videoReadingPrediction, 4),
                Arguments.of("video, patch 2, identity first block",
                        (Supplier<FlowConfig>) FlowFixtures::videoPatchedWithIdentityBlock, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void reverseOfForwardReturnsTheInput(String name, Supplier<FlowConfig> config, int frames) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 11)) {
            Random rng = new Random(5);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 2, frames);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 2);

            ForwardPass pass = model.forward(x, y);
            assertEquals(x.getShape(), pass.z().getShape(), "z keeps the latent layout");
            assertTrue(maxAbsDiff(pass.z(), x) > 0.05, "the perturbed flow must actually move the data");

            NDArray back = model.reverse(pass.z(), Conditioning.on(y), ReverseOptions.of(new SequentialInverse()));
            assertEquals(x.getShape(), back.getShape());
            double err = maxAbsDiff(back, x);
            assertTrue(err < TOLERANCE, name + ": reverse(forward(x)) differs from x by " + err);
        }
    }

    @Test
    void nonSquareLatentWithPatchesIsInvertible() {
        FlowConfig cfg = FlowFixtures.imagePatchedWithIdentityBlock();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 12)) {
            Random rng = new Random(6);
            NDArray x = FlowFixtures.randn(m, rng, 1, cfg.inChannels(), 4, 8);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray z = model.forward(x, y).z();
            assertTrue(maxAbsDiff(z, x) > 0.05);
            double err = maxAbsDiff(model.reverse(z, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())), x);
            assertTrue(err < TOLERANCE, "reverse(forward(x)) differs from x by " + err);
        }
    }

    @Test
    void everyStageOfTheReverseUndoesOneBlock() {
        FlowConfig cfg = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 13)) {
            Random rng = new Random(7);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 1, 2);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            ForwardPass pass = model.forward(x, y);
            List<NDArray> stages = model.reverseStages(pass.z(), Conditioning.on(y), ReverseOptions.of(new SequentialInverse()));
            int nb = cfg.numBlocks();
            assertEquals(nb, stages.size(), "one stage per block");
            assertEquals(nb + 1, pass.outputs().size(), "the block inputs plus z");
            for (int s = 0; s < nb; s++) {
                // stage s is the input of block nb-1-s, i.e. outputs.(nb-1-s), in tokens [B, N, D].
                NDArray expected = pass.outputs().get(nb - 1 - s);
                NDArray got = stages.get(s).reshape(1, 2, cfg.inChannels(), 4, 4)
                        .transpose(0, 1, 3, 4, 2).reshape(expected.getShape());
                double err = maxAbsDiff(got, expected);
                assertTrue(err < TOLERANCE, "stage " + s + " differs from outputs." + (nb - 1 - s) + " by " + err);
            }
        }
    }
}
