package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * C2PA in PNG: the manifest store in a {@code caBX} chunk right after IHDR, bound by a {@code c2pa.hash.data}
 * assertion over every byte of the file except that chunk.
 */
final class PngEmbedding implements Embedding {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int AFTER_IHDR = 8 + 8 + 13 + 4;
    private static final String LABEL = "c2pa.hash.data";

    @Override
    public byte[] embed(byte[] file, ContentCredentials.Generator generator, SigningIdentity identity) throws IOException {
        requirePng(file);
        if (manifestStore(file).isPresent()) {
            throw new IOException("the file already carries a C2PA manifest");
        }
        // The excluded length is part of what is signed, so settle it first: the store's size depends on it
        // only through the width of one CBOR integer.
        byte[] hash = ContentCredentials.sha256(file, 0, file.length);
        int length = 0;
        byte[] store = null;
        for (int round = 0; round < 4 && (store == null || length != 12 + store.length); round++) {
            length = store == null ? 0 : 12 + store.length;
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("exclusions", List.of(Map.of("start", AFTER_IHDR, "length", length)));
            fields.put("name", "jumbf manifest");
            fields.put("alg", "sha256");
            fields.put("hash", hash);
            fields.put("pad", new byte[0]);
            store = ContentCredentials.build(generator, new ContentCredentials.HardBinding(LABEL, fields), identity);
        }
        if (length != 12 + store.length) {
            throw new IllegalStateException("manifest size did not settle");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + length);
        out.write(file, 0, AFTER_IHDR);
        out.writeBytes(chunk("caBX", store));
        out.write(file, AFTER_IHDR, file.length - AFTER_IHDR);
        return out.toByteArray();
    }

    @Override
    public Optional<byte[]> manifestStore(byte[] file) throws IOException {
        requirePng(file);
        ByteBuffer b = ByteBuffer.wrap(file);
        int p = 8;
        while (p + 12 <= file.length) {
            int length = b.getInt(p);
            String type = new String(file, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (length < 0 || p + 12L + length > file.length) {
                throw new IOException("malformed PNG chunk at offset " + p);
            }
            if (type.equals("caBX")) {
                return Optional.of(Arrays.copyOfRange(file, p + 8, p + 8 + length));
            }
            p += 12 + length;
        }
        return Optional.empty();
    }

    @Override
    public boolean bindingMatches(byte[] file, String label, JsonNode binding) throws IOException {
        if (!label.equals(LABEL)) {
            return false;
        }
        MessageDigest d = ContentCredentials.digest();
        int p = 0;
        for (JsonNode e : binding.path("exclusions")) {
            int start = e.path("start").asInt();
            int length = e.path("length").asInt();
            if (start < p || start + length > file.length) {
                return false;
            }
            d.update(file, p, start - p);
            p = start + length;
        }
        d.update(file, p, file.length - p);
        byte[] expected = binding.path("hash").binaryValue();
        return expected != null && MessageDigest.isEqual(expected, d.digest());
    }

    private static void requirePng(byte[] file) throws IOException {
        if (file.length < AFTER_IHDR || !Arrays.equals(SIGNATURE, Arrays.copyOf(file, 8))) {
            throw new IOException("not a PNG file");
        }
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }
}
