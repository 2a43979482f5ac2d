package dev.strom.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pictures over 8192 a side or 40 megapixels are refused from their headers, before FFmpeg or ImageIO decodes them. */
class PixelLimitTest {

    @TempDir
    Path dir;

    @Test
    void theLimitIsEightThousandOneHundredNinetyTwoASideAndFortyMegapixels() {
        assertDoesNotThrow(() -> PixelLimit.check("a", 8192, 4882));
        assertDoesNotThrow(() -> PixelLimit.check("8K UHD", 7680, 4320));
        assertThrows(PixelLimit.TooLarge.class, () -> PixelLimit.check("a", 8193, 1));
        assertThrows(PixelLimit.TooLarge.class, () -> PixelLimit.check("a", 1, 8193));
        assertThrows(PixelLimit.TooLarge.class, () -> PixelLimit.check("a", 7000, 7000));
    }

    @Test
    void aPngDeclaringSixteenThousandSquaredIsRefusedByTheDecoderWithItsSize() throws Exception {
        Path bomb = write("bomb.png", pngHeader(16000, 16000));
        PixelLimit.TooLarge e = assertThrows(PixelLimit.TooLarge.class, () -> MediaDecoder.forModel(bomb, 32, 8, 1));
        assertTrue(e.getMessage().contains("bomb.png is 16000x16000 pixels"), e.getMessage());
        assertTrue(e.size().startsWith("16000x16000 pixels") && !e.size().contains("bomb.png"), e.size());
    }

    @Test
    void aGifIsMeasuredByItsLogicalScreenNotItsFrames() throws Exception {
        byte[] gif = image("gif", 4, 4);
        gif[6] = gif[7] = gif[8] = gif[9] = (byte) 0xff;
        Path file = write("screen.gif", gif);
        PixelLimit.TooLarge e = assertThrows(PixelLimit.TooLarge.class, () -> MediaDecoder.forModel(file, 32, 8, 1));
        assertTrue(e.getMessage().contains("65535x65535"), e.getMessage());
    }

    @Test
    void aJpegWhoseFrameHeaderSaysTwentyThousandIsRefused() throws Exception {
        byte[] jpeg = image("jpg", 64, 48);
        int sof = 2;
        while (!((jpeg[sof] & 0xff) == 0xff && (jpeg[sof + 1] & 0xff) == 0xc0)) {
            sof++;
        }
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) 20000).putShort((short) 20000);
        Path file = write("big.jpg", jpeg);
        assertThrows(PixelLimit.TooLarge.class, () -> PixelLimit.checkHeader(file));
    }

    @Test
    void aWebpCanvasOverTheLimitIsRefusedAndStromsOwnWebpPasses() throws Exception {
        byte[] webp = new byte[40];
        System.arraycopy("RIFF\0\0\0\0WEBPVP8X".getBytes(StandardCharsets.US_ASCII), 0, webp, 0, 16);
        webp[24] = webp[27] = (byte) 0xff;
        webp[25] = webp[28] = 0x3f; // 1 + 0x3fff = 16384 a side
        assertThrows(PixelLimit.TooLarge.class, () -> PixelLimit.checkHeader(write("big.webp", webp)));

        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Path own = dir.resolve("own.webp");
        StillImage.writeWebp(image, own, 80);
        assertDoesNotThrow(() -> PixelLimit.checkHeader(own));
    }

    /** A PNG's signature and IHDR, then an IDAT with a few rows of zeros: what a decoder sizes its buffer from. */
    private static byte[] pngHeader(int width, int height) {
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[4096]);
        byte[] idat = new byte[8192];
        int n = deflater.deflate(idat, 0, idat.length, Deflater.SYNC_FLUSH);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", java.util.Arrays.copyOf(idat, n));
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] image(String format, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
