package dev.strom.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.Permutation;
import dev.strom.flow.RotaryEmbedding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
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
class FlowConfigJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A reference-style config: a small conditioned image model (C=2, 4x4 latent, 3 blocks of 1 layer,
     * width 32 / top 64, head_dim 32, text [L, 8] into the top block only, softplus, final norm,
     * soft clip 4, L2R) with the given model_kwargs overridden. An int[] value for
     * "layers_per_block" also sets num_blocks.
     */
    static FlowConfig config(Object... overrides) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode k = root.putObject("model_kwargs");
        k.put("in_channels", 2);
        k.put("img_size", 4);
        k.put("patch_size", 1);
        k.put("channels", 32);
        k.put("top_block_channels", 64);
        k.put("num_blocks", 3);
        k.putArray("layers_per_block").add(1).add(1).add(1);
        k.put("head_dim", 32);
        k.put("txt_size", 4);
        k.put("txt_dim", 8);
        k.put("cond_top_only", 1);
        k.put("use_softplus", 1);
        k.put("use_final_norm", 1);
        k.put("soft_clip", 4.0);
        k.put("seq_order", "L2R");
        k.put("temporal_causal", 0);
        k.put("shallow_block_local", 0);
        root.put("noise_std", 0.5);
        for (int i = 0; i < overrides.length; i += 2) {
            String key = (String) overrides[i];
            Object v = overrides[i + 1];
            if (v instanceof int[] arr) {
                ArrayNode a = k.putArray(key);
                for (int x : arr) {
                    a.add(x);
                }
                if (key.equals("layers_per_block")) {
                    k.put("num_blocks", arr.length);
                }
            } else if (v instanceof Integer x) {
                k.put(key, x);
            } else if (v instanceof Double x) {
                k.put(key, x);
            } else if (v instanceof String x) {
                k.put(key, x);
            } else if (v == null) {
                k.putNull(key);
            } else {
                throw new IllegalArgumentException("unsupported override " + key + "=" + v);
            }
        }
        return FlowConfigJson.fromJson(root.toString());
    }

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
        List<Supplier<FlowConfig>> configs = List.of(
                FlowConfigJsonTest::config,
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "pt_seq_len", 3),
                () -> config("temporal_causal", 2, "shallow_block_local", 0, "cond_top_only", 0),
                () -> config("txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "seq_order", "R2L", "head_dim", 16),
                () -> config("txt_size", 0, "txt_dim", 0, "cond_top_only", 0, "head_dim", 16, "num_heads", 2,
                        "num_kv_heads", 1, "use_swiglu", 1, "norm_type", "rms_norm", "use_qk_norm", 1, "use_post_norm", 1,
                        "use_bias", 0, "use_softplus", 0, "soft_clip", 0.0),
                () -> config("patch_size", 2, "img_size", 8, "layers_per_block", new int[]{1, 0, 2}),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "pos_embed", 1, "pos_embed_frames", 4),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_context", 2),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "prediction_context", 1),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "first_step_motion", 1,
                        "txt_vocab", 20, "carry_size_rate", 1, "clean_range", 3.0),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "txt_vocab", 20,
                        "edit_colours", 1),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "prediction_context", 1,
                        "edit_segment", 1),
                () -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "match_window", 3),
                () -> config("learnable_self_denoiser", 1, "conditional_denoiser", 1,
                        "denoiser_window", 2, "pt_seq_len", 3, "temporal_causal", 2, "shallow_block_local", 1));
        for (Supplier<FlowConfig> s : configs) {
            FlowConfig cfg = s.get();
            FlowConfig back = FlowConfigJson.fromJson(FlowConfigJson.toJson(cfg).toString());
            assertEquals(cfg, back);
            assertEquals(cfg.hashCode(), back.hashCode());
            assertSameComponents(cfg, back);
        }
    }

    @Test
    void flowLevelConstantsRoundTrip() throws Exception {
        ObjectNode doc = FlowConfigJson.toJson(config());
        doc.put("noise_std", 0.3);
        doc.put("cond_noise_level", 1);
        doc.put("latent_norm_regularization", 1e-4);
        FlowConfig cfg = FlowConfigJson.fromJson(doc.toString());
        assertEquals(0.3f, cfg.noiseStd());
        assertTrue(cfg.condNoiseLevel());
        assertEquals(1e-4f, cfg.latentNormRegularization());
        assertSameComponents(cfg, FlowConfigJson.fromJson(FlowConfigJson.toJson(cfg).toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"t2i-tiny", "t2v-tiny"})
    void referenceConfigDerivesTheReferencesBlockShapes(String name) throws Exception {
        JsonNode json = referenceConfig(name);
        JsonNode derived = json.get("derived");
        FlowConfig cfg = FlowConfigJson.fromJson(json);
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
        assertSameComponents(cfg, FlowConfigJson.fromJson(FlowConfigJson.toJson(cfg).toString()));
    }

    @Test
    void t2vTinyConfigHasTheDocumentedShape() throws Exception {
        FlowConfig cfg = FlowConfigJson.fromJson(referenceConfig("t2v-tiny"));
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
        FlowConfig cfg = FlowConfigJson.fromJson(json);
        Permutation flip = temporalCausal == 0 ? Permutation.FLIP : Permutation.FLIP_IN_FRAME;
        List<Permutation> expected = List.of(flip, Permutation.IDENTITY, flip, Permutation.IDENTITY, flip,
                Permutation.IDENTITY);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected.get(i), cfg.block(i).permutation(), "block " + i);
        }
        assertTrue(cfg.block(5).top());
    }

    @Test
    void aSingleLayersPerBlockNumberIsRepeatedForEveryBlock() {
        FlowConfig cfg = FlowConfigJson.fromJson("{\"in_channels\": 2, \"img_size\": 4, \"channels\": 32, \"num_blocks\": 4,"
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
                    () -> FlowConfigJson.fromJson(json.toString()), o[0]);
            assertTrue(e.getMessage().contains(o[2]), "message should name " + o[2] + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t2i-tiny", "t2v-tiny"})
    void rotaryFrequenciesMatchTheReference(String name) throws Exception {
        JsonNode json = referenceConfig(name);
        RotaryEmbedding rope = new RotaryEmbedding(FlowConfigJson.fromJson(json));
        assertFrequencies(json.get("derived").get("rope_freqs_xy"), rope.spatialFrequencies());
        assertFrequencies(json.get("derived").get("rope_freqs_t"), rope.temporalFrequencies());
    }

    @Test
    void invalidConfigsAreRejected() {
        assertRejected(() -> config("head_dim", 16), "head_dim must exceed 16");
        assertRejected(() -> config("img_size", 6, "patch_size", 4), "multiple of patch_size");
        assertRejected(() -> config("txt_size", 0, "txt_dim", 0), "cond_top_only requires txt_size");
        assertRejected(() -> config("temporal_causal", 2, "seq_order", "R2L"), "L2R");
        assertRejected(() -> config("shallow_block_local", 1, "cond_top_only", 0), "shallow_block_local");
        assertRejected(() -> config("norm_type", "batch_norm"), "batch_norm");
        assertRejected(() -> config("seq_order", "up"), "seq_order");
        assertRejected(() -> config("num_blocks", 2), "num_blocks=2", "3 layers_per_block");
        assertRejected(() -> config("in_channels", null), "in_channels");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "prediction_context", 1),
                "prediction_context needs motion_compensation");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "carry_size_rate", 1),
                "carry_size_rate needs first_step_motion");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "clean_range", 0.0),
                "clean_range must be positive");
        assertRejected(() -> config("clean_range", 3.0), "clean_range needs motion_compensation");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "edit_colours", 1),
                "edit_colours needs motion_compensation and txt_vocab");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "edit_segment", 1),
                "edit_segment needs prediction_context");
        assertRejected(() -> config("temporal_causal", 2, "shallow_block_local", 1, "motion_compensation", 3, "match_window", 4),
                "match_window needs motion_compensation and must be an odd number");
        assertRejected(() -> config("match_window", 3), "match_window needs motion_compensation");
        assertRejected(() -> FlowConfigJson.fromJson("{not json"), "not valid JSON");
    }

    private static void assertRejected(Executable call, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : mentions) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(s),
                    "message should mention '" + s + "': " + e.getMessage());
        }
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
