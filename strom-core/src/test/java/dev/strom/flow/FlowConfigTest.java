package dev.strom.flow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The config derives per-block permutations and rotary frequencies by the reference's rules, and two
 * configs are equal exactly when they describe the same model. (Reading and writing the reference's
 * config.json, and the reference's own configs, are in strom-store's FlowConfigJsonTest.)
 */
class FlowConfigTest {

    @Test
    void configsWithTheSameComponentsAreEqual() {
        FlowConfig a = FlowFixtures.config(b -> b.layersPerBlock(1, 1, 2));
        FlowConfig b = FlowFixtures.config(c -> c.layersPerBlock(1, 1, 2));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void differentConfigsAreNotEqual() {
        assertFalse(FlowFixtures.imageText().equals(FlowFixtures.config(b -> b.softClip(2))));
        assertFalse(FlowFixtures.imageText().equals(FlowFixtures.config(b -> b.layersPerBlock(1, 1, 2))));
    }

    @Test
    void theBuilderStartsFromTheReferenceDefaults() {
        FlowConfig cfg = FlowConfig.builder().inChannels(2).imgSize(4).channels(32).layersPerBlock(2, 2, 2, 2)
                .headDim(16).build();
        assertArrayEquals(new int[]{2, 2, 2, 2}, cfg.layersPerBlock());
        assertEquals(32, cfg.topChannels(), "top width defaults to the shallow width");
        assertTrue(cfg.reversedOrder(), "seq_order defaults to R2L as in the reference");
        assertEquals(1, cfg.patchSize());
        assertTrue(cfg.bias());
        assertEquals(FlowConfig.NormType.LAYER_NORM, cfg.normType());
    }

    @Test
    void r2lOrderUsesTheOtherPermutationParity() {
        FlowConfig cfg = FlowFixtures.config(b -> b.reversedOrder(true));
        // R2L: block i uses perms[i % 2], the top block perms[(nb - 1) % 2].
        assertEquals(Permutation.IDENTITY, cfg.block(0).permutation());
        assertEquals(Permutation.FLIP, cfg.block(1).permutation());
        assertEquals(Permutation.IDENTITY, cfg.block(2).permutation());
    }

    @Test
    void withoutTextThereIsNoTimeAxis() {
        RotaryEmbedding rope = new RotaryEmbedding(FlowFixtures.imageUnconditional());
        // head_dim 16: 8 angle pairs split between x and y
        assertEquals(4, rope.spatialFrequencies().length);
        assertEquals(0, rope.temporalFrequencies().length);
        assertEquals(1f, rope.spatialFrequencies()[0]);
        assertEquals(0.1f, rope.spatialFrequencies()[1], 1e-7f);
        assertEquals(0.01f, rope.spatialFrequencies()[2], 1e-8f);
    }

    @Test
    void onlyACausalVideoModelCanReadEarlierFrames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowFixtures.config(b -> b.motionContext(2)));
        assertTrue(e.getMessage().contains("motion_context"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).motionContext(-1)));
        assertEquals(2, FlowFixtures.videoWithMotion().motionContext());
    }
}
