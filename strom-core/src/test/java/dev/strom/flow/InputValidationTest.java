package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad inputs fail fast with an IllegalArgumentException whose message names the problem. */
class InputValidationTest {

    private static void assertRejected(Executable call, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : mentions) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(s),
                    "message should mention '" + s + "': " + e.getMessage());
        }
    }

    @Test
    void latentOfWrongRankIsRejected() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(1);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray x3 = FlowFixtures.randn(m, rng, 2, 4, 4);
            assertRejected(() -> model.forward(x3, y), "input", "[B, C, H, W]", "(2, 4, 4)");
            assertRejected(() -> model.reverse(x3, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())), "noise", "[B, C, H, W]");
            NDArray x6 = FlowFixtures.randn(m, rng, 1, 1, 1, 2, 4, 4);
            assertRejected(() -> model.forward(x6, y), "input", "[B, T, C, H, W]");
        }
    }

    @Test
    void latentWithWrongChannelCountIsRejected() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(2);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray x = FlowFixtures.randn(m, rng, 1, 3, 4, 4);
            assertRejected(() -> model.forward(x, y), "3 channels", "expects 2");
            NDArray video = FlowFixtures.randn(m, rng, 1, 2, 3, 4, 4);
            assertRejected(() -> model.reverse(video, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())), "3 channels", "expects 2");
        }
    }

    @Test
    void latentNotDivisibleByThePatchIsRejected() {
        FlowConfig cfg = FlowFixtures.imagePatchedWithIdentityBlock();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(3);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray x = FlowFixtures.randn(m, rng, 1, 2, 5, 4);
            assertRejected(() -> model.forward(x, y), "patch size 2");
        }
    }

    @Test
    void nonFiniteLatentsAreRejected() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(4);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            float[] v = FlowFixtures.gaussian(rng, 32);
            v[17] = Float.NaN;
            NDArray x = m.create(v, new Shape(1, 2, 4, 4));
            assertRejected(() -> model.forward(x, y), "input", "NaN");
            v[17] = Float.POSITIVE_INFINITY;
            NDArray z = m.create(v, new Shape(1, 2, 4, 4));
            assertRejected(() -> model.reverse(z, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())), "noise", "infinite");
        }
    }

    @Test
    void conditionedModelRequiresText() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            NDArray x = FlowFixtures.latent(m, cfg, new Random(5), 1, 0);
            assertRejected(() -> model.forward(x, (TextFeatures) null), "text is required", "txt_dim=8");
            assertRejected(() -> model.reverse(x, Conditioning.on((TextFeatures) null), ReverseOptions.of(new SequentialInverse())), "text is required");
        }
    }

    @Test
    void textOfWrongShapeIsRejected() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(6);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 2, 0);
            NDArray wrongFeatures = FlowFixtures.randn(m, rng, 2, 3, 7);
            assertRejected(() -> model.forward(x, wrongFeatures), "text must be [2, L>0, 8]", "(2, 3, 7)");
            NDArray wrongBatch = FlowFixtures.randn(m, rng, 1, 3, 8);
            assertRejected(() -> model.forward(x, wrongBatch), "text must be [2, L>0, 8]");
            NDArray noTokens = m.zeros(new Shape(2, 0, 8));
            assertRejected(() -> model.forward(x, noTokens), "text must be");
            NDArray flat = FlowFixtures.randn(m, rng, 2, 8);
            assertRejected(() -> model.forward(x, flat), "text must be");
            float[] v = FlowFixtures.gaussian(rng, 2 * 3 * 8);
            v[5] = Float.NaN;
            assertRejected(() -> model.forward(x, m.create(v, new Shape(2, 3, 8))), "text", "NaN");
        }
    }

    @Test
    void unconditionalTextMustMatchTheConditionalText() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(7);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 1, 0);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray shorter = FlowFixtures.randn(m, rng, 1, 2, 8);
            assertRejected(() -> model.reverse(z, new Conditioning(y, TextFeatures.of(shorter), 1f), ReverseOptions.of(new SequentialInverse())), "same length");
            NDArray wrongFeatures = FlowFixtures.randn(m, rng, 1, 3, 4);
            assertRejected(() -> model.reverse(z, new Conditioning(y, TextFeatures.of(wrongFeatures), 1f), ReverseOptions.of(new SequentialInverse())), "unconditional text must be");
        }
    }

    @Test
    void videoNeedsTheTimeAxis() {
        // An unconditional model has no time RoPE axis, so it cannot place frames.
        FlowConfig cfg = FlowFixtures.imageUnconditional();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            NDArray video = FlowFixtures.randn(m, new Random(8), 1, 2, 2, 4, 4);
            assertRejected(() -> model.forward(video, (TextFeatures) null), "time axis");
        }
    }

    @Test
    void invalidConfigsAreRejected() {
        // what the JSON form adds (unknown names, missing keys, malformed text) is in strom-store's FlowConfigJsonTest
        assertRejected(() -> FlowFixtures.config(b -> b.headDim(16)), "head_dim must exceed 16");
        assertRejected(() -> FlowFixtures.config(b -> b.imgSize(6).patchSize(4)), "multiple of patch_size");
        assertRejected(() -> FlowFixtures.config(b -> b.txtSize(0).txtDim(0)), "cond_top_only requires txt_size");
        assertRejected(() -> FlowFixtures.config(b -> b.temporalCausal(2).reversedOrder(true)), "L2R");
        assertRejected(() -> FlowFixtures.config(b -> b.shallowBlockLocal(true).condTopOnly(false)), "shallow_block_local");
        assertRejected(() -> FlowFixtures.config(b -> b.inChannels(0)), "in_channels");
    }

    @Test
    void aFirstStepMovedByTheCaptionNeedsTheCaptionsWords() {
        FlowConfig cfg = FlowFixtures.videoMovingFirstStep();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Random rng = new Random(3);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 1, 3);
            TextFeatures t = FlowFixtures.text(m, cfg, rng, 1);
            assertRejected(() -> model.forward(x, t.rows()), "reads the caption's words", "got none");
            TextFeatures wider = new TextFeatures(t.rows(), FlowFixtures.words(m, rng, 1, cfg.txtVocab() + 1));
            assertRejected(() -> model.forward(x, wider), "reads the caption's words [B, " + cfg.txtVocab() + "]");
            TextFeatures twoBags = new TextFeatures(t.rows(), FlowFixtures.words(m, rng, 2, cfg.txtVocab()));
            assertRejected(() -> model.forward(x, twoBags), "words must be [1, txt_vocab]");
        }
        assertRejected(() -> FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).motionCompensation(1)
                .firstStepMotion(true)), "first_step_motion needs txt_vocab");
    }
}
