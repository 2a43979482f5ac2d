package dev.strom.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The config speaks the reference's config.json: it reads the reference's files, derives per-block
 * widths, heads and permutations by the reference's rules, writes itself back losslessly, and refuses
 * options it does not implement.
 */
class FlowConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path referenceDir() {
        Path root = Path.of(System.getProperty("strom.reference.dir", "../../shared/reference"));
        assertTrue(Files.isDirectory(root), "reference vectors not found at " + root.toAbsolutePath());
        return root;
    }

    static JsonNode referenceConfig(String name) throws Exception {
        return JSON.readTree(referenceDir().resolve(name).resolve("config.json").toFile());
    }

    /** Every record component equal (arrays by content), so a field toJson forgot cannot hide. */
    private static void assertSameComponents(FlowConfig expected, FlowConfig actual) throws Exception {
        for (RecordComponent c : FlowConfig.class.getRecordComponents()) {
            Object e = c.getAccessor().invoke(expected);
            Object a = c.getAccessor().invoke(actual);
            if (e instanceof int[] ei) {
                assertArrayEquals(ei, (int[]) a, c.getName());
            } else {
                assertTrue(Objects.equals(e, a), c.getName() + ": " + e + " became " + a);
            }
        }
    }

    @Test
    void jsonRoundTripPreservesEveryField() throws Exception {
        List<Supplier<FlowConfig>> configs = List.of(FlowFixtures::imageText, FlowFixtures::videoFrameLocal,
                FlowFixtures::videoTextEverywhere, FlowFixtures::imageUnconditional,
                FlowFixtures::imageUnconditionalVariants, FlowFixtures::imagePatchedWithIdentityBlock,
                () -> FlowFixtures.config("learnable_self_denoiser", 1, "conditional_denoiser", 1,
                        "denoiser_window", 2, "pt_seq_len", 3, "temporal_causal", 2, "shallow_block_local", 1));
        for (Supplier<FlowConfig> s : configs) {
            FlowConfig cfg = s.get();
            FlowConfig back = FlowConfig.fromJson(cfg.toJson().toString());
            assertEquals(cfg, back);
            assertEquals(cfg.hashCode(), back.hashCode());
            assertSameComponents(cfg, back);
        }
    }

    @Test
    void flowLevelConstantsRoundTrip() throws Exception {
        ObjectNode doc = FlowFixtures.imageText().toJson();
        doc.put("noise_std", 0.3);
        doc.put("cond_noise_level", 1);
        doc.put("latent_norm_regularization", 1e-4);
        FlowConfig cfg = FlowConfig.fromJson(doc.toString());
        assertEquals(0.3f, cfg.noiseStd());
        assertTrue(cfg.condNoiseLevel());
        assertEquals(1e-4f, cfg.latentNormRegularization());
        assertSameComponents(cfg, FlowConfig.fromJson(cfg.toJson().toString()));
    }

    @Test
    void differentConfigsAreNotEqual() {
        assertFalse(FlowFixtures.imageText().equals(FlowFixtures.config("soft_clip", 2.0)));
        assertFalse(FlowFixtures.imageText().equals(FlowFixtures.config("layers_per_block", new int[]{1, 1, 2})));
    }

    @ParameterizedTest
    @ValueSource(strings = {"t2i-tiny", "t2v-tiny"})
    void referenceConfigDerivesTheReferencesBlockShapes(String name) throws Exception {
        JsonNode json = referenceConfig(name);
        JsonNode derived = json.get("derived");
        FlowConfig cfg = FlowConfig.fromJson(json);
        assertEquals(derived.get("permutations").size(), cfg.numBlocks());
        for (int i = 0; i < cfg.numBlocks(); i++) {
            FlowConfig.BlockSpec b = cfg.block(i);
            assertEquals(referenceName(b.permutation()), derived.get("permutations").get(i).asText(), "permutation " + i);
            assertEquals(derived.get("block_channels").get(i).asInt(), b.width(), "width " + i);
            assertEquals(derived.get("block_num_heads").get(i).asInt(), b.heads(), "heads " + i);
            assertEquals(derived.get("block_txt_dim").get(i).asInt(), b.txtDim(), "text dim " + i);
        }
        assertEquals(derived.get("pt_seq_len_effective").asInt(), cfg.effectivePtSeqLen());
        assertEquals((float) json.get("noise_std").asDouble(), cfg.noiseStd());
        assertEquals(json.get("cond_noise_level").asInt() != 0, cfg.condNoiseLevel());
        // and it survives our own serialisation
        assertSameComponents(cfg, FlowConfig.fromJson(cfg.toJson().toString()));
    }

    @Test
    void t2vTinyConfigHasTheDocumentedShape() throws Exception {
        FlowConfig cfg = FlowConfig.fromJson(referenceConfig("t2v-tiny"));
        assertEquals(List.of(Permutation.FLIP_IN_FRAME, Permutation.IDENTITY, Permutation.FLIP_IN_FRAME),
                List.of(cfg.block(0).permutation(), cfg.block(1).permutation(), cfg.block(2).permutation()));
        assertArrayEquals(new int[]{64, 64, 96}, new int[]{cfg.block(0).width(), cfg.block(1).width(), cfg.block(2).width()});
        assertArrayEquals(new int[]{2, 2, 3}, new int[]{cfg.block(0).heads(), cfg.block(1).heads(), cfg.block(2).heads()});
        assertTrue(cfg.block(0).frameLocal() && cfg.block(1).frameLocal() && !cfg.block(2).frameLocal());
        assertTrue(cfg.block(2).top() && cfg.block(2).conditioned() && !cfg.block(0).conditioned());
        assertEquals(8, cfg.denoiserBlock().layers());
        assertEquals(32, cfg.denoiserBlock().txtDim());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void sixBlockModelsHaveARasterOrderTopBlock(int temporalCausal) throws Exception {
        ObjectNode json = (ObjectNode) referenceConfig(temporalCausal == 0 ? "t2i-tiny" : "t2v-tiny");
        ObjectNode k = (ObjectNode) json.get("model_kwargs");
        k.put("num_blocks", 6);
        k.putArray("layers_per_block").add(1).add(1).add(1).add(1).add(1).add(2);
        FlowConfig cfg = FlowConfig.fromJson(json);
        Permutation flip = temporalCausal == 0 ? Permutation.FLIP : Permutation.FLIP_IN_FRAME;
        List<Permutation> expected = List.of(flip, Permutation.IDENTITY, flip, Permutation.IDENTITY, flip,
                Permutation.IDENTITY);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected.get(i), cfg.block(i).permutation(), "block " + i);
        }
        assertTrue(cfg.block(5).top());
    }

    @Test
    void r2lOrderUsesTheOtherPermutationParity() {
        FlowConfig cfg = FlowFixtures.config("seq_order", "R2L");
        // R2L: block i uses perms[i % 2], the top block perms[(nb - 1) % 2].
        assertEquals(Permutation.IDENTITY, cfg.block(0).permutation());
        assertEquals(Permutation.FLIP, cfg.block(1).permutation());
        assertEquals(Permutation.IDENTITY, cfg.block(2).permutation());
    }

    @Test
    void aSingleLayersPerBlockNumberIsRepeatedForEveryBlock() {
        FlowConfig cfg = FlowConfig.fromJson("{\"in_channels\": 2, \"img_size\": 4, \"channels\": 32, \"num_blocks\": 4,"
                + " \"layers_per_block\": 2, \"head_dim\": 16}");
        assertArrayEquals(new int[]{2, 2, 2, 2}, cfg.layersPerBlock());
        assertEquals(32, cfg.topChannels(), "top width defaults to the shallow width");
        assertTrue(cfg.reversedOrder(), "seq_order defaults to R2L as in the reference");
    }

    @Test
    void unsupportedOptionsAreRejectedByName() throws Exception {
        String[][] options = {
                {"local_attn_window", "4", "local_attn_window"},
                {"use_mm_attn", "1", "use_mm_attn"},
                {"hf_style_rope", "1", "hf_style_rope"},
                {"rope", "0", "rope=0"},
                {"sos", "0", "sos=0"},
                {"use_pretrained_lm", "\"gemma\"", "use_pretrained_lm"},
        };
        for (String[] o : options) {
            ObjectNode json = (ObjectNode) referenceConfig("t2v-tiny");
            ((ObjectNode) json.get("model_kwargs")).set(o[0], JSON.readTree(o[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FlowConfig.fromJson(json.toString()), o[0]);
            assertTrue(e.getMessage().contains(o[2]), "message should name " + o[2] + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t2i-tiny", "t2v-tiny"})
    void rotaryFrequenciesMatchTheReference(String name) throws Exception {
        JsonNode json = referenceConfig(name);
        RotaryEmbedding rope = new RotaryEmbedding(FlowConfig.fromJson(json));
        assertFrequencies(json.get("derived").get("rope_freqs_xy"), rope.spatialFrequencies());
        assertFrequencies(json.get("derived").get("rope_freqs_t"), rope.temporalFrequencies());
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

    private static void assertFrequencies(JsonNode expected, float[] actual) {
        assertEquals(expected.size(), actual.length);
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            assertEquals(e, actual[i], 1e-6 * e, "frequency " + i);
        }
    }

    private static String referenceName(Permutation p) {
        return switch (p) {
            case IDENTITY -> "PermutationIdentity";
            case FLIP -> "PermutationFlip";
            case FLIP_IN_FRAME -> "PermutationFlipInBlock";
        };
    }
}
