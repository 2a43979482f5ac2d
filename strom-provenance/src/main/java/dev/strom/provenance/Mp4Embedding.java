package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * C2PA in ISO BMFF (MP4): the manifest store rides in a top-level {@code uuid} box with C2PA's UUID, bound
 * to the file by a {@code c2pa.hash.bmff.v2} assertion. Version 2 hashes every top-level box that is not
 * excluded together with its file offset, so moving boxes around breaks the binding too. The box goes right
 * after {@code ftyp}, where C2PA tools put it, so the sample tables' chunk offsets ({@code stco}, {@code co64})
 * move by its size.
 */
final class Mp4Embedding implements Embedding {

    static final byte[] C2PA_UUID = {(byte) 0xd8, (byte) 0xfe, (byte) 0xc3, (byte) 0xd6, 0x1b, 0x0e, 0x48, 0x3c,
            (byte) 0x92, (byte) 0x97, 0x58, 0x28, (byte) 0x87, 0x7e, (byte) 0xc4, (byte) 0x81};
    private static final String LABEL = "c2pa.hash.bmff.v2";

    /** A top-level box: type, where it starts and how long it is. */
    record TopBox(String type, long offset, long size) {
    }

    @Override
    public byte[] embed(byte[] file, ContentCredentials.Generator generator, SigningIdentity identity) throws IOException {
        List<TopBox> boxes = topLevel(file);
        if (boxes.isEmpty() || !boxes.get(0).type().equals("ftyp")) {
            throw new IOException("not an MP4 file (no ftyp box first)");
        }
        if (boxes.stream().anyMatch(b -> isC2pa(file, b))) {
            throw new IOException("the file already carries a C2PA manifest");
        }
        // The store's size does not depend on the hash it holds, so a store for a dummy hash tells how far
        // everything after ftyp moves; the hash is then taken over the file as it will be.
        byte[] placeholder = c2paBox(store(new byte[32], generator, identity));
        int size = placeholder.length;
        TopBox ftyp = boxes.get(0);
        int at = (int) (ftyp.offset() + ftyp.size());
        byte[] moved = new byte[file.length + size];
        System.arraycopy(file, 0, moved, 0, at);
        System.arraycopy(file, at, moved, at + size, file.length - at);
        // the dummy box holds the place (the hash skips it as it will skip the real one)
        System.arraycopy(placeholder, 0, moved, at, size);
        for (TopBox b : topLevel(moved)) {
            if (b.type().equals("moov")) {
                shiftChunkOffsets(moved, (int) b.offset() + 8, (int) (b.offset() + b.size()), at, size);
            }
        }
        byte[] box = c2paBox(store(hash(moved, topLevel(moved), defaultExclusions()), generator, identity));
        if (box.length != size) {
            throw new IllegalStateException("C2PA box changed size while signing");
        }
        System.arraycopy(box, 0, moved, at, size);
        return moved;
    }

    private static byte[] store(byte[] hash, ContentCredentials.Generator generator, SigningIdentity identity) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("exclusions", defaultExclusions());
        fields.put("alg", "sha256");
        fields.put("hash", hash);
        fields.put("name", "jumbf manifest");
        return ContentCredentials.build(generator, new ContentCredentials.HardBinding(LABEL, fields), identity);
    }

    /** Adds {@code delta} to every chunk offset at or after {@code from} in the sample tables inside [start, end). */
    private static void shiftChunkOffsets(byte[] file, int start, int end, long from, int delta) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        int p = start;
        while (p + 8 <= end) {
            int size = b.getInt(p);
            String type = new String(file, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (size < 8 || p + size > end) {
                throw new IOException("malformed MP4 box inside moov at offset " + p);
            }
            switch (type) {
                case "trak", "mdia", "minf", "stbl" -> shiftChunkOffsets(file, p + 8, p + size, from, delta);
                case "stco" -> {
                    int n = b.getInt(p + 12);
                    for (int i = 0; i < n; i++) {
                        int q = p + 16 + 4 * i;
                        long offset = b.getInt(q) & 0xffffffffL;
                        if (offset >= from) {
                            b.putInt(q, (int) (offset + delta));
                        }
                    }
                }
                case "co64" -> {
                    int n = b.getInt(p + 12);
                    for (int i = 0; i < n; i++) {
                        int q = p + 16 + 8 * i;
                        long offset = b.getLong(q);
                        if (offset >= from) {
                            b.putLong(q, offset + delta);
                        }
                    }
                }
                default -> {
                }
            }
            p += size;
        }
    }

    @Override
    public Optional<byte[]> manifestStore(byte[] file) throws IOException {
        // The store sits right after ftyp, so a file cut short or damaged further on still shows it (and then
        // fails its hash): read the boxes up to the damage rather than refusing the file.
        for (TopBox b : wholeBoxes(file)) {
            if (isC2pa(file, b)) {
                int p = (int) b.offset() + 8 + 16 + 4;
                while (p < b.offset() + b.size() && file[p] != 0) {
                    p++;
                }
                int start = p + 1 + 8; // purpose's terminator, then the (unused) Merkle offset
                return Optional.of(Arrays.copyOfRange(file, start, (int) (b.offset() + b.size())));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean bindingMatches(byte[] file, String label, JsonNode binding) throws IOException {
        if (!label.startsWith("c2pa.hash.bmff")) {
            return false;
        }
        List<Map<String, Object>> exclusions = new ArrayList<>();
        for (JsonNode e : binding.path("exclusions")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("xpath", e.path("xpath").asText());
            if (e.has("data")) {
                List<Map<String, Object>> data = new ArrayList<>();
                for (JsonNode d : e.path("data")) {
                    data.add(Map.of("offset", d.path("offset").asInt(), "value", d.path("value").binaryValue()));
                }
                m.put("data", data);
            }
            exclusions.add(m);
        }
        byte[] expected = binding.path("hash").binaryValue();
        return expected != null && MessageDigest.isEqual(expected, hash(file, topLevel(file), exclusions));
    }

    /** What C2PA tools exclude: the manifest's own box, ftyp and mfra. */
    private static List<Map<String, Object>> defaultExclusions() {
        Map<String, Object> uuid = new LinkedHashMap<>();
        uuid.put("xpath", "/uuid");
        uuid.put("data", List.of(Map.of("offset", 8, "value", C2PA_UUID)));
        return List.of(uuid, Map.of("xpath", "/ftyp"), Map.of("xpath", "/mfra"));
    }

    /** BMFF hash v2: each included top-level box's offset (8 bytes, big-endian) and then its bytes. */
    @SuppressWarnings("unchecked")
    private static byte[] hash(byte[] file, List<TopBox> boxes, List<Map<String, Object>> exclusions) {
        MessageDigest d = ContentCredentials.digest();
        for (TopBox b : boxes) {
            boolean excluded = false;
            for (Map<String, Object> e : exclusions) {
                if (!e.get("xpath").equals("/" + b.type())) {
                    continue;
                }
                boolean dataMatches = true;
                for (Map<String, Object> data : (List<Map<String, Object>>) e.getOrDefault("data", List.of())) {
                    int at = (int) b.offset() + (Integer) data.get("offset");
                    byte[] value = (byte[]) data.get("value");
                    dataMatches &= at + value.length <= file.length
                            && Arrays.equals(value, Arrays.copyOfRange(file, at, at + value.length));
                }
                excluded |= dataMatches;
            }
            if (!excluded) {
                d.update(ByteBuffer.allocate(8).putLong(b.offset()).array());
                d.update(file, (int) b.offset(), (int) b.size());
            }
        }
        return d.digest();
    }

    private static byte[] c2paBox(byte[] store) {
        byte[] purpose = "manifest".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + 16 + 4 + purpose.length + 1 + 8 + store.length);
        b.putInt(b.capacity()).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(C2PA_UUID);
        b.putInt(0); // version and flags
        b.put(purpose).put((byte) 0);
        b.putLong(0); // no Merkle tree
        b.put(store);
        return b.array();
    }

    private static boolean isC2pa(byte[] file, TopBox b) {
        int at = (int) b.offset() + 8;
        return b.type().equals("uuid") && b.size() >= 24
                && Arrays.equals(C2PA_UUID, Arrays.copyOfRange(file, at, at + 16));
    }

    static List<TopBox> topLevel(byte[] file) throws IOException {
        List<TopBox> out = wholeBoxes(file);
        long end = out.isEmpty() ? 0 : out.get(out.size() - 1).offset() + out.get(out.size() - 1).size();
        if (end + 8 <= file.length) {
            throw new IOException("malformed MP4 box at offset " + end + " (the file is cut short or damaged there)");
        }
        return out;
    }

    /** The top-level boxes from the start of the file up to the first one that is malformed or runs past the end. */
    private static List<TopBox> wholeBoxes(byte[] file) {
        List<TopBox> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        long p = 0;
        while (p + 8 <= file.length) {
            long size = b.getInt((int) p) & 0xffffffffL;
            String type = new String(file, (int) p + 4, 4, StandardCharsets.ISO_8859_1);
            if (size == 1 && p + 16 > file.length) {
                break;
            }
            if (size == 1) {
                size = b.getLong((int) p + 8);
            } else if (size == 0) {
                size = file.length - p;
            }
            if (size < 8 || p + size > file.length) {
                break;
            }
            out.add(new TopBox(type, p, size));
            p += size;
        }
        return out;
    }
}
