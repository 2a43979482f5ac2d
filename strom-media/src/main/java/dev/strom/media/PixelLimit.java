package dev.strom.media;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * The largest picture Strom decodes: {@value #MAX_SIDE} pixels a side and {@value #MAX_PIXELS} pixels in all
 * (40 megapixels: 8K UHD fits). An image's size is read from its header before anything decodes it, because a few
 * hundred kilobytes of PNG can declare 16000x16000 pixels (a gigabyte once decoded), and a GIF's logical screen,
 * which the decoder allocates, can say 65535x65535 whatever its frames hold.
 */
public final class PixelLimit {

    public static final int MAX_SIDE = 8192;
    public static final long MAX_PIXELS = 40_000_000L;

    /** A picture larger than the limit; the message names the file, {@link #size()} does not (for API errors). */
    public static final class TooLarge extends IOException {
        private final long width;
        private final long height;

        TooLarge(String what, long width, long height) {
            super(what + " is " + width + "x" + height + " pixels; Strom reads pictures of at most " + MAX_SIDE
                    + " pixels a side and " + MAX_PIXELS / 1_000_000 + " megapixels");
            this.width = width;
            this.height = height;
        }

        /** "16000x16000 pixels; at most ..." without the file's name. */
        public String size() {
            return width + "x" + height + " pixels; at most " + MAX_SIDE + " pixels a side and " + MAX_PIXELS / 1_000_000
                    + " megapixels are read";
        }
    }

    private PixelLimit() {
    }

    /** Refuses a width and height over the limit. */
    public static void check(String what, long width, long height) throws TooLarge {
        if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
            throw new TooLarge(what, width, height);
        }
    }

    /**
     * Refuses an image file whose header declares more than the limit, without decoding it. Files that are no image
     * ImageIO knows (videos), or whose header it cannot read, pass: the decoder's own size check comes later.
     */
    public static void checkHeader(Path file) throws IOException {
        String name = String.valueOf(file.getFileName());
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(32);
        }
        if (head.length >= 10 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
            check(name, u16le(head, 6), u16le(head, 8));
        }
        if (head.length >= 30 && ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) {
            checkWebp(name, head);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // reads the header only (PNG's IHDR, JPEG's frame header), not the pixels
                check(name, reader.getWidth(0), reader.getHeight(0));
            } catch (TooLarge e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // a header ImageIO cannot read: whether the file decodes at all is the decoder's to say
            } finally {
                reader.dispose();
            }
        }
    }

    /** WebP's canvas: VP8X's 24-bit sizes, VP8L's 14-bit ones, or the lossy key frame's. */
    private static void checkWebp(String name, byte[] h) throws TooLarge {
        if (ascii(h, 12, "VP8X")) {
            check(name, 1 + u24le(h, 24), 1 + u24le(h, 27));
        } else if (ascii(h, 12, "VP8L")) {
            long bits = u16le(h, 21) | (long) u16le(h, 23) << 16;
            check(name, 1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
        } else if (ascii(h, 12, "VP8 ")) {
            check(name, u16le(h, 26) & 0x3fff, u16le(h, 28) & 0x3fff);
        }
    }

    private static boolean ascii(byte[] b, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (b[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int u24le(byte[] b, int at) {
        return u16le(b, at) | (b[at + 2] & 0xff) << 16;
    }
}
