package dev.strom.serve;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Small files that declare huge pictures, made in the test (no binary fixtures). */
final class PictureBombs {

    private PictureBombs() {
    }

    /**
     * A valid black RGB PNG of {@code width x height}: its IDAT is one zlib stream of zeros written by hand as a
     * dynamic-Huffman deflate block (a literal 0, then 258-byte copies at distance 1, two bits each), so 16000x16000
     * (768 MB decoded) is about 750 KB and takes milliseconds to make (zlib itself takes half a minute).
     */
    static byte[] png(int width, int height) {
        long raw = (long) height * (1 + 3L * width); // each row: filter byte 0, then RGB zeros
        Bits deflate = new Bits();
        deflate.bits(1, 1).bits(2, 2);                  // final block, dynamic Huffman
        deflate.bits(29, 5).bits(0, 5).bits(14, 4);     // 286 literal/length codes, 1 distance code, 18 code-length codes
        int[] order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
        for (int symbol : order) {
            // code lengths of the code-length alphabet: 18 (a run of zeros) 1 bit, lengths 1 and 2 two bits each
            deflate.bits(symbol == 18 ? 1 : symbol == 1 || symbol == 2 ? 2 : 0, 3);
        }
        // literal/length lengths: 0 -> 2, 1..255 -> 0, 256 (end) -> 2, 257..284 -> 0, 285 (length 258) -> 1; distance 0 -> 1
        deflate.code(0b11, 2).code(0, 1).bits(138 - 11, 7).code(0, 1).bits(117 - 11, 7);
        deflate.code(0b11, 2).code(0, 1).bits(28 - 11, 7).code(0b10, 2).code(0b10, 2);
        deflate.code(0b10, 2);                          // literal 0
        long left = raw - 1;
        for (; left >= 258; left -= 258) {
            deflate.code(0, 1).code(0, 1);              // copy 258 bytes from 1 back
        }
        for (; left > 0; left--) {
            deflate.code(0b10, 2);
        }
        deflate.code(0b11, 2);                          // end of block
        byte[] body = deflate.bytes();
        ByteBuffer zlib = ByteBuffer.allocate(body.length + 6);
        zlib.put((byte) 0x78).put((byte) 0xDA).put(body);
        zlib.putInt((int) ((raw % 65521) << 16 | 1)); // Adler-32 of zeros
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", zlib.array());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** A GIF of one small frame whose logical screen (what the decoder allocates) says {@code width x height}. */
    static byte[] gifScreen(int width, int height) throws IOException {
        byte[] gif = gif(4, 4);
        gif[6] = (byte) width;
        gif[7] = (byte) (width >> 8);
        gif[8] = (byte) height;
        gif[9] = (byte) (height >> 8);
        return gif;
    }

    /** A GIF whose header is right and whose blocks are garbage: no frame can be read from it. */
    static byte[] corruptGif() throws IOException {
        byte[] gif = gif(64, 64);
        byte[] broken = Arrays.copyOf(gif, gif.length);
        gif[10] = 0; // no global colour table: the garbage starts right after the screen descriptor
        System.arraycopy(gif, 0, broken, 0, 13);
        Arrays.fill(broken, 13, broken.length, (byte) 0xA5);
        return broken;
    }

    private static byte[] gif(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 37 + y * 91) * 2654435761L > 0 ? 0x3366cc : 0xcc6633);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "gif", out);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(name);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Deflate's bit order: numbers least significant bit first, Huffman codes most significant bit first. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int buffer;
        private int count;

        Bits bits(int value, int n) {
            for (int i = 0; i < n; i++) {
                bit((value >> i) & 1);
            }
            return this;
        }

        Bits code(int code, int length) {
            for (int i = length - 1; i >= 0; i--) {
                bit((code >> i) & 1);
            }
            return this;
        }

        private void bit(int b) {
            buffer |= b << count++;
            if (count == 8) {
                out.write(buffer);
                buffer = 0;
                count = 0;
            }
        }

        byte[] bytes() {
            if (count > 0) {
                out.write(buffer);
            }
            return out.toByteArray();
        }
    }
}
