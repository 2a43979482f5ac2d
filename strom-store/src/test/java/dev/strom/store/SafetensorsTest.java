package dev.strom.store;

import dev.strom.flow.ReverseOptions;
import dev.strom.flow.Conditioning;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.SequentialInverse;
import dev.strom.flow.StarFlow;
import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors encoding and decoding: what is written reads back unchanged (a model's tensors too, so the
 * reloaded model computes the same bits), and malformed bytes fail with an IllegalArgumentException that
 * says what is wrong.
 */
class SafetensorsTest {

    private static byte[] encode(Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.encode(tensors, metadata, out);
        return out.toByteArray();
    }

    private static Map<String, TensorData> sample() {
        Random rng = new Random(1);
        Map<String, TensorData> t = new LinkedHashMap<>();
        float[] big = new float[2 * 3 * 4];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rng.nextGaussian();
        }
        // names deliberately not in alphabetical order: header order is kept
        t.put("z.weight", new TensorData(new long[]{2, 3, 4}, big));
        t.put("loss", new TensorData(new long[]{1}, new float[]{0.125f}));
        t.put("a.bias", new TensorData(new long[]{3}, new float[]{-0f, Float.MIN_VALUE, Float.MAX_VALUE}));
        t.put("empty", new TensorData(new long[]{0, 5}, new float[0]));
        return t;
    }

    private static void assertSameTensors(Map<String, TensorData> expected, Map<String, TensorData> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "names, in order");
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name + " shape");
            float[] e = expected.get(name).values();
            float[] a = actual.get(name).values();
            assertEquals(e.length, a.length, name + " size");
            for (int i = 0; i < e.length; i++) {
                assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "] bits");
            }
        }
    }

    @Test
    void roundTripKeepsNamesShapesAndValuesWithEmptyMetadata() throws IOException {
        Map<String, TensorData> tensors = sample();
        byte[] bytes = encode(tensors, Map.of());
        assertSameTensors(tensors, Safetensors.decode(ByteBuffer.wrap(bytes)));
    }

    @Test
    void roundTripWithMetadataAndWithoutIt() throws IOException {
        Map<String, TensorData> tensors = sample();
        assertSameTensors(tensors, Safetensors.decode(ByteBuffer.wrap(encode(tensors, Map.of("format", "pt")))));
        assertSameTensors(tensors, Safetensors.decode(ByteBuffer.wrap(encode(tensors, null))));
        assertTrue(Safetensors.decode(ByteBuffer.wrap(encode(Map.of(), Map.of()))).isEmpty(), "no tensors");
    }

    @Test
    void theSameMetadataMakesTheSameBytesWhateverItsMapsOrder() throws IOException {
        Map<String, String> oneWay = new java.util.LinkedHashMap<>();
        oneWay.put("format", "pt");
        oneWay.put("producer", "strom");
        Map<String, String> otherWay = new java.util.LinkedHashMap<>();
        otherWay.put("producer", "strom");
        otherWay.put("format", "pt");
        assertArrayEquals(encode(sample(), oneWay), encode(sample(), otherWay));
    }

    @Test
    void layoutFollowsTheFormat() throws IOException {
        byte[] bytes = encode(sample(), Map.of("format", "pt"));
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong();
        assertEquals(0, headerLen % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"__metadata__\":{\"format\":\"pt\"}"), header);
        assertTrue(header.contains("\"dtype\":\"F32\""), header);
        assertTrue(header.contains("\"loss\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[96,100]}"), header);
        assertEquals(8 + headerLen + 4L * (24 + 1 + 3), bytes.length);
        // the scalar's value sits little-endian at its offset
        assertEquals(0.125f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + headerLen + 96)));
    }

    @Test
    void decodingRespectsTheBufferPositionAndLeavesItAlone() throws IOException {
        byte[] bytes = encode(sample(), Map.of());
        byte[] shifted = new byte[bytes.length + 5];
        System.arraycopy(bytes, 0, shifted, 5, bytes.length);
        ByteBuffer buf = ByteBuffer.wrap(shifted);
        buf.position(5);
        assertSameTensors(sample(), Safetensors.decode(buf));
        assertEquals(5, buf.position());
    }

    @Test
    void readsTheReferenceWeights() throws IOException {
        Path file = Path.of(System.getProperty("strom.reference.dir", "../../shared/reference"), "t2i-tiny", "weights.safetensors");
        Map<String, TensorData> tensors = Safetensors.decode(ByteBuffer.wrap(Files.readAllBytes(file)));
        assertEquals(74, tensors.size(), "the reference README lists 74 tensors for t2i");
        assertArrayEquals(new long[]{96, 32}, tensors.get("blocks.2.proj_txt.weight").shape());
        assertArrayEquals(new long[]{8, 96}, tensors.get("blocks.2.proj_out.weight").shape());
        // re-encoding and decoding gives the same tensors
        assertSameTensors(tensors, Safetensors.decode(ByteBuffer.wrap(encode(tensors, Map.of("format", "pt")))));
    }

    private static String rejection(byte[] bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.decode(ByteBuffer.wrap(bytes)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e.getMessage();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length);
        b.put(h);
        return b.array();
    }

    @Test
    void garbageIsNotASafetensorsFile() {
        byte[] garbage = new byte[256];
        new Random(3).nextBytes(garbage);
        assertTrue(rejection(garbage).contains("not a safetensors file"));
        assertTrue(rejection(new byte[0]).contains("shorter than its 8-byte header length"));
        assertTrue(rejection(new byte[]{1, 2, 3}).contains("not a safetensors file"));
        assertTrue(rejection(new byte[8]).contains("header length 0"));
        assertTrue(rejection("hello world, this is plain text".getBytes(StandardCharsets.UTF_8)).contains("not a safetensors file"));
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        byte[] bytes = encode(sample(), Map.of());
        // cut inside the data: the last tensor no longer fits
        String m = rejection(Arrays.copyOf(bytes, bytes.length - 4));
        assertTrue(m.contains("'a.bias'") && m.contains("do not fit"), m);
        // cut inside the header
        m = rejection(Arrays.copyOf(bytes, 20));
        assertTrue(m.contains("header length"), m);
    }

    @Test
    void malformedHeadersAreRejected() {
        assertTrue(rejection(file("{\"a\": [1, 2", 0)).contains("header is not JSON"));
        assertTrue(rejection(file("[1, 2, 3]", 0)).contains("not a JSON object"));
        String m = rejection(file("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4));
        assertTrue(m.contains("'w'") && m.contains("F16") && m.contains("only F32"), m);
        m = rejection(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(m.contains("'w'") && m.contains("data offsets"), m);
        m = rejection(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8));
        assertTrue(m.contains("'w'"), m);
        m = rejection(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0));
        assertTrue(m.contains("'w'") || m.contains("negative"), m);
    }

    @Test
    void shapesWhoseSizeOverflowsAreRejected() {
        // 2^32 * 2^32 elements wrap to 0 in 64-bit arithmetic; such a shape must not pass as an empty tensor
        String m = rejection(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0));
        assertTrue(m.contains("'w'") && m.contains("impossible shape"), m);
        m = rejection(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}", 0));
        assertTrue(m.contains("'w'"), m);
    }

    @Test
    void aModelSavedAndReloadedComputesTheSameBits() throws Exception {
        // a frame-local video model whose output projections are not zero (a fresh model's are, which makes each
        // block a constant affine map)
        FlowConfig cfg = FlowConfig.builder().inChannels(2).imgSize(4).channels(32).topChannels(64).layersPerBlock(1, 1, 1)
                .headDim(32).txtSize(4).txtDim(8).condTopOnly(true).softplus(true).finalNorm(true).softClip(4)
                .reversedOrder(false).temporalCausal(2).shallowBlockLocal(true).ptSeqLen(3).noiseStd(0.5f).build();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow original = StarFlow.initialise(cfg, m, 71)) {
            Random init = new Random(72);
            for (String name : original.parameters().names()) {
                if (name.endsWith("proj_out.weight") || name.endsWith("_embed") && !name.endsWith("sos_embed")) {
                    NDArray p = original.parameters().get(name);
                    p.set(gaussian(init, p.size(), 0.05));
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Safetensors.encode(original.parameters().snapshot(), Map.of("format", "pt"), bytes);
            Map<String, TensorData> decoded = Safetensors.decode(ByteBuffer.wrap(bytes.toByteArray()));
            try (StarFlow loaded = StarFlow.load(cfg, m, decoded)) {
                assertEquals(original.parameters().names(), loaded.parameters().names());
                Random rng = new Random(19);
                Shape video = new Shape(1, 2, 2, 4, 4);
                NDArray x = m.create(gaussian(rng, video.size(), 1), video);
                NDArray y = m.create(gaussian(rng, 3 * 8, 1), new Shape(1, 3, 8));
                assertArrayEquals(original.forward(x, y).z().toFloatArray(), loaded.forward(x, y).z().toFloatArray());
                assertArrayEquals(original.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray(),
                        loaded.reverse(x, Conditioning.on(y), ReverseOptions.of(new SequentialInverse())).toFloatArray());
            }
        }
    }

    private static float[] gaussian(Random rng, long n, double scale) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return v;
    }
}
