package dev.strom.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: labelled superboxes ({@code jumb}) whose description
 * box ({@code jumd}) names a content type by a 16-byte UUID, holding plain content boxes ({@code cbor}).
 */
final class Jumbf {

    /** C2PA's content types: a four-letter tag followed by the common JUMBF suffix. */
    enum Type {
        MANIFEST_STORE("c2pa"), MANIFEST("c2ma"), ASSERTION_STORE("c2as"), CLAIM("c2cl"), SIGNATURE("c2cs"), CBOR("cbor");

        private final byte[] uuid;

        Type(String tag) {
            ByteBuffer b = ByteBuffer.allocate(16);
            b.put(tag.getBytes(StandardCharsets.US_ASCII));
            b.put(new byte[]{0x00, 0x11, 0x00, 0x10, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
            uuid = b.array();
        }
    }

    /** A parsed box: its four-letter type and its payload (after the 8-byte header). */
    record Box(String type, byte[] payload) {

        /** For a superbox: the label in its description box. */
        String label() {
            byte[] d = children().get(0).payload;
            int end = 17;
            while (end < d.length && d[end] != 0) {
                end++;
            }
            return new String(d, 17, end - 17, StandardCharsets.UTF_8);
        }

        List<Box> children() {
            return parse(payload);
        }

        /** The child superbox with this label, or null. */
        Box child(String label) {
            for (Box b : children()) {
                if (b.type.equals("jumb") && b.label().equals(label)) {
                    return b;
                }
            }
            return null;
        }

        /** The first content box of a superbox (the one after the description). */
        byte[] content() {
            return children().get(1).payload;
        }
    }

    private Jumbf() {
    }

    static byte[] box(String type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(8 + payload.length);
        b.put(type.getBytes(StandardCharsets.US_ASCII));
        b.put(payload);
        return b.array();
    }

    /** A superbox: description (requestable, labelled) followed by the given boxes. */
    static byte[] superbox(Type type, String label, byte[]... children) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.writeBytes(type.uuid);
        d.write(0x03); // toggles: requestable, label present
        d.writeBytes(label.getBytes(StandardCharsets.UTF_8));
        d.write(0);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(box("jumd", d.toByteArray()));
        for (byte[] c : children) {
            body.writeBytes(c);
        }
        return box("jumb", body.toByteArray());
    }

    /** A superbox holding one CBOR content box. */
    static byte[] cborBox(Type type, String label, byte[] cbor) {
        return superbox(type, label, box("cbor", cbor));
    }

    /** The boxes laid end to end in {@code data}. */
    static List<Box> parse(byte[] data) {
        List<Box> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.remaining() >= 8) {
            int start = b.position();
            long size = b.getInt() & 0xffffffffL;
            byte[] type = new byte[4];
            b.get(type);
            int header = 8;
            if (size == 1) {
                size = b.getLong();
                header = 16;
            }
            if (size < header || start + size > data.length) {
                throw new IllegalArgumentException("malformed JUMBF box");
            }
            byte[] payload = new byte[(int) size - header];
            System.arraycopy(data, start + header, payload, 0, payload.length);
            out.add(new Box(new String(type, StandardCharsets.US_ASCII), payload));
            b.position(start + (int) size);
        }
        return out;
    }
}
