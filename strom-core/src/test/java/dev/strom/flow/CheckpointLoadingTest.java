package dev.strom.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model loads from tensors under the reference's state_dict names; the tensors must describe exactly
 * the config's model, and a model loaded from its own tensors computes the same bits (through safetensors
 * bytes too: strom-store's SafetensorsTest).
 */
class CheckpointLoadingTest {

    private static void assertRejected(Executable call, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : mentions) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(s),
                    "message should mention '" + s + "': " + e.getMessage());
        }
    }

    /** The same noise for x and the same sample for x read as noise, bit for bit. */
    private static void assertSameBitsAndSamples(StarFlow expected, StarFlow actual, NDArray x, TextFeatures y) {
        assertArrayEquals(expected.forward(x, y).z().toFloatArray(), actual.forward(x, y).z().toFloatArray());
        assertArrayEquals(expected.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray(),
                actual.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray());
    }

    @Test
    void aModelLoadedFromItsOwnTensorsComputesTheSameBits() {
        FlowConfig cfg = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow original = FlowFixtures.perturbedModel(cfg, m, 71);
             StarFlow loaded = StarFlow.load(cfg, m, original.parameters().snapshot())) {
            assertEquals(original.parameters().names(), loaded.parameters().names());
            Random rng = new Random(19);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 1, 2);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            assertSameBitsAndSamples(original, loaded, x, y);
        }
    }

    @Test
    void aCheckpointWithoutPositionEmbeddingsLoadsWithThemAtZeroAndComputesTheSameBits() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow without = FlowFixtures.perturbedModel(FlowFixtures.videoFrameLocal(), m, 72)) {
            FlowConfig withPlaces = FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3)
                    .positionEmbedding(true).positionFrames(2));
            try (StarFlow loaded = StarFlow.load(withPlaces, m, without.parameters().snapshot())) {
                for (String added : new String[]{"blocks.2.pos_embed", "blocks.2.frame_embed"}) {
                    assertEquals(0f, loaded.parameters().get(added).abs().max().getFloat(), added + " starts at zero");
                }
                Random rng = new Random(20);
                NDArray x = FlowFixtures.latent(m, withPlaces, rng, 1, 2);
                TextFeatures y = FlowFixtures.text(m, withPlaces, rng, 1);
                assertArrayEquals(without.forward(x, y).z().toFloatArray(), loaded.forward(x, y).z().toFloatArray());
            }
        }
    }

    @Test
    void aCheckpointWithoutTheMotionReadingLoadsWithItAtZeroComputesTheSameBitsAndLearnsIt() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow without = FlowFixtures.perturbedModel(FlowFixtures.videoWithPlaces(), m, 75)) {
            FlowConfig withMotion = FlowFixtures.videoWithMotion();
            try (StarFlow loaded = StarFlow.load(withMotion, m, without.parameters().snapshot())) {
                assertEquals(Set.of("blocks.2.motion_in"), loaded.parameters().zeroStarted());
                Random rng = new Random(22);
                NDArray x = FlowFixtures.latent(m, withMotion, rng, 1, 3);
                TextFeatures y = FlowFixtures.text(m, withMotion, rng, 1);
                assertSameBitsAndSamples(without, loaded, x, y);
                // at zero it still gets a gradient: the loss can teach the block to read the earlier frames
                NDArray w = loaded.parameters().get("blocks.2.motion_in");
                try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                    w.setRequiresGradient(true);
                    c.backward(loaded.forward(x, y).loss());
                    assertTrue(w.getGradient().abs().max().getFloat() > 0, "no gradient reaches motion_in");
                }
            }
        }
    }

    @Test
    void aModelGrownByLayersAtTheEndOfItsBlocksComputesWhatTheCheckpointDidAndSamplesTheSame() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow small = FlowFixtures.perturbedModel(FlowFixtures.videoFrameLocal(), m, 73)) {
            FlowConfig deeper = FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3)
                    .layersPerBlock(1, 2, 3));
            Map<String, TensorData> tensors = small.parameters().snapshot();
            Map<String, TensorData> grown = StarFlow.grown(deeper, tensors, 5);
            assertEquals(tensors.keySet(), small.parameters().snapshot().keySet(), "the checkpoint's map is not changed");
            try (StarFlow loaded = StarFlow.load(deeper, m, grown)) {
                assertTrue(loaded.parameters().count() > small.parameters().count());
                // the new layers learn: only their residual outputs start at zero
                assertTrue(loaded.parameters().get("blocks.2.attn_blocks.2.attention.qkv.weight").abs().max().getFloat() > 0);
                assertEquals(0f, loaded.parameters().get("blocks.2.attn_blocks.2.attention.proj.weight").abs().max().getFloat());
                Random rng = new Random(21);
                NDArray x = FlowFixtures.latent(m, deeper, rng, 1, 2);
                TextFeatures y = FlowFixtures.text(m, deeper, rng, 1);
                assertArrayEquals(small.forward(x, y).z().toFloatArray(), loaded.forward(x, y).z().toFloatArray(), 1e-6f);
                assertArrayEquals(small.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray(),
                        loaded.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void growingAddsLayersOnlyNothingElseTheCheckpointLacks() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow small = FlowFixtures.perturbedModel(FlowFixtures.videoFrameLocal(), m, 74)) {
            Map<String, TensorData> tensors = small.parameters().snapshot();
            tensors.remove("blocks.0.proj_in.weight");
            FlowConfig deeper = FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3)
                    .layersPerBlock(1, 1, 2));
            assertRejected(() -> StarFlow.load(deeper, m, StarFlow.grown(deeper, tensors, 5)), "blocks.0.proj_in.weight");
        }
    }

    @Test
    void checkpointOfADifferentWidthIsRejectedNamingTensorAndShapes() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow wide = StarFlow.initialise(FlowFixtures.config(b -> b.channels(64)), m, 1)) {
            Map<String, TensorData> tensors = wide.parameters().snapshot();
            FlowConfig narrow = FlowFixtures.config(b -> b.channels(32));
            assertRejected(() -> StarFlow.load(narrow, m, tensors),
                    "blocks.0.proj_in.weight", "[64, 2]", "[32, 2]");
        }
    }

    @Test
    void missingTensorIsNamed() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Map<String, TensorData> tensors = new LinkedHashMap<>(model.parameters().snapshot());
            assertTrue(tensors.remove("blocks.2.proj_txt.bias") != null);
            assertRejected(() -> StarFlow.load(cfg, m, tensors), "missing", "blocks.2.proj_txt.bias", "[64]");
        }
    }

    @Test
    void unknownExtraTensorIsNamed() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Map<String, TensorData> tensors = new LinkedHashMap<>(model.parameters().snapshot());
            tensors.put("blocks.0.proj_txt.weight", new TensorData(new long[]{32, 8}, new float[256]));
            assertRejected(() -> StarFlow.load(cfg, m, tensors), "does not describe", "blocks.0.proj_txt.weight");
        }
    }

    @Test
    void checkpointOfAnUnconditionalModelDoesNotLoadIntoAConditionedConfig() {
        try (NDManager m = NDManager.newBaseManager();
             StarFlow uncond = StarFlow.initialise(FlowFixtures.config(b -> b.txtSize(4).txtDim(0).condTopOnly(false)), m, 1)) {
            Map<String, TensorData> tensors = uncond.parameters().snapshot();
            assertRejected(() -> StarFlow.load(FlowFixtures.imageText(), m, tensors), "blocks.2.proj_txt.weight");
        }
    }

    @Test
    void referenceBuffersThatAreNeverReadAreAccepted() {
        FlowConfig cfg = FlowFixtures.imageText();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = StarFlow.initialise(cfg, m, 1)) {
            Map<String, TensorData> tensors = new LinkedHashMap<>(model.parameters().snapshot());
            tensors.put("var", new TensorData(new long[]{16, 2}, new float[32]));
            tensors.put("blocks.0.attn_mask", new TensorData(new long[]{2, 2}, new float[4]));
            tensors.put("feat_rope.freqs_cos", new TensorData(new long[]{1}, new float[1]));
            tensors.put("feat_rope_gen.freqs_sin", new TensorData(new long[]{1}, new float[1]));
            try (StarFlow loaded = StarFlow.load(cfg, m, tensors)) {
                assertEquals(model.parameters().count(), loaded.parameters().count());
            }
        }
    }
}
