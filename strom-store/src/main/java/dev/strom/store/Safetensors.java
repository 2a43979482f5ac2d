package dev.strom.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.tensor.TensorData;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw data), float32 only.
 * Works on bytes and streams; {@link SafetensorsFile} puts them on disk.
 */
public final class Safetensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** Decodes every tensor, in header order. Fails with a message naming what is malformed. */
    public static Map<String, TensorData> decode(ByteBuffer bytes) {
        ByteBuffer buf = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 8) {
            throw new IllegalArgumentException("not a safetensors file: shorter than its 8-byte header length");
        }
        long headerLen = buf.getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > buf.remaining()) {
            throw new IllegalArgumentException("not a safetensors file: header length " + headerLen + " is impossible");
        }
        byte[] headerBytes = new byte[(int) headerLen];
        buf.get(headerBytes);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IllegalArgumentException("not a safetensors file: header is not JSON (" + e.getMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException("not a safetensors file: header is not a JSON object");
        }
        int dataStart = buf.position();
        long dataLen = buf.limit() - dataStart;
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode info = e.getValue();
            String dtype = info.path("dtype").asText();
            if (!dtype.equals("F32")) {
                throw new IllegalArgumentException("tensor '" + name + "' has dtype " + dtype + "; only F32 is supported");
            }
            JsonNode shapeNode = info.path("shape");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
            }
            long n = TensorData.elements(shape);
            if (n < 0 || n > Long.MAX_VALUE / 4) {
                throw new IllegalArgumentException("tensor '" + name + "' has an impossible shape " + shapeNode);
            }
            long begin = info.path("data_offsets").path(0).asLong(-1);
            long end = info.path("data_offsets").path(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataLen || end - begin != n * 4) {
                throw new IllegalArgumentException("tensor '" + name + "' has data offsets [" + begin + ", " + end
                        + "] that do not fit its shape or the file (" + dataLen + " data bytes)");
            }
            float[] values = new float[(int) n];
            ByteBuffer slice = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.position((int) (dataStart + begin));
            slice.asFloatBuffer().get(values);
            out.put(name, new TensorData(shape, values));
        }
        return out;
    }

    /**
     * Encodes tensors in map order with optional string metadata, written in key order: the same tensors and metadata
     * make the same bytes whatever map holds them ({@code Map.of} iterates in an order that changes between runs).
     */
    public static void encode(Map<String, TensorData> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", "F32");
            var shape = info.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = e.getValue().size() * 4;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        for (TensorData t : tensors.values()) {
            ByteBuffer data = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(t.values());
            out.write(data.array());
        }
    }
}
