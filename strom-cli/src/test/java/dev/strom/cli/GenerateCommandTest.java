package dev.strom.cli;

import dev.strom.media.MediaDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** The README's generate command, with the bundled model, in English and German. */
class GenerateCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"a red apple moving left on a blue background",
            "ein roter Apfel bewegt sich nach links auf blauem Hintergrund"})
    void writesAPlayableMp4(String prompt) throws Exception {
        Path out = dir.resolve("apple.mp4");
        Cli r = Cli.run("generate", prompt, "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(out.toAbsolutePath().toString(), r.out().strip(), "prints where the file went");
        MediaDecoder.Media d = MediaDecoder.decode(out, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
        assertEquals(16, d.clip().frames());
        assertEquals(256, d.storedWidth());
        assertEquals(256, d.storedHeight());
        assertEquals(32, d.clip().width(), "native size recorded in the file");
        assertEquals(8.0, d.clip().fps(), 1e-6);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void sameSeedGivesTheSameVideoAndAnotherSeedAnother() throws Exception {
        String prompt = "a yellow star spinning on a black background";
        Path a = dir.resolve("a.gif");
        Path b = dir.resolve("b.gif");
        Path c = dir.resolve("c.gif");
        assertEquals(0, Cli.run("generate", prompt, "--seed", "5", "-o", a.toString()).exit());
        assertEquals(0, Cli.run("generate", prompt, "--seed", "5", "-o", b.toString()).exit());
        assertEquals(0, Cli.run("generate", prompt, "--seed", "6", "-o", c.toString()).exit());
        assertTrue(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "same seed, same bytes");
        assertTrue(!Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "another seed, another video");
    }

    @Test
    void wordsTheModelNeverSawAreNamedAndStrictRefusesThem() throws Exception {
        Path out = dir.resolve("cat.gif");
        Cli strict = Cli.run("generate", "a cat walking on a beach", "--strict", "-o", out.toString());
        assertEquals(2, strict.exit(), strict.err());
        assertEquals("strom: error: prompt: the model never saw the words cat, walking, beach (see strom info for what it can draw)\n",
                strict.errorLines());
        assertTrue(Files.notExists(out), "nothing made");

        Cli warned = Cli.run("generate", "a red Cat moving left on a blue background", "--frames", "2", "-o", out.toString());
        assertEquals(0, warned.exit(), warned.err());
        assertTrue(warned.err().contains("warning: the model never saw the word cat "), warned.err());
        Cli known = Cli.run("generate", "a red apple moving left on a blue background", "--strict", "--frames", "2",
                "-o", dir.resolve("apple.gif").toString());
        assertEquals(0, known.exit(), known.err());
        assertTrue(!known.err().contains("never saw"), known.err());
    }

    @Test
    void runsWithoutSeedOrFileNeverOverwriteEachOtherAndCountMakesVariants() throws Exception {
        String prompt = "a yellow star spinning on a black background";
        Path out = dir.resolve("star.gif");
        Cli first = Cli.run("generate", prompt, "--frames", "2", "-o", out.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().matches("(?s).*, seed \\d+\\R.*"), "the seed used is printed: " + first.err());
        byte[] made = Files.readAllBytes(out);
        Cli again = Cli.run("generate", prompt, "--frames", "2", "-o", out.toString());
        assertEquals(2, again.exit());
        assertTrue(again.errorLines().contains("exists (--force replaces it)"), again.err());
        assertTrue(Arrays.equals(made, Files.readAllBytes(out)), "the first file is untouched");
        assertEquals(0, Cli.run("generate", prompt, "--frames", "2", "-o", out.toString(), "--force").exit());

        Cli variants = Cli.run("generate", prompt, "--frames", "2", "--seed", "7", "--count", "3", "-o", dir.resolve("v.gif").toString());
        assertEquals(0, variants.exit(), variants.err());
        for (String name : new String[]{"v-7.gif", "v-8.gif", "v-9.gif"}) {
            assertTrue(Files.isRegularFile(dir.resolve(name)), name);
        }
        assertTrue(!Arrays.equals(Files.readAllBytes(dir.resolve("v-7.gif")), Files.readAllBytes(dir.resolve("v-8.gif"))));
    }

    /** A PNG whose header declares 16000x16000 (a gigabyte decoded) is refused from the header with one line. */
    @Test
    void aStillDeclaringMorePixelsThanStromReadsIsRefusedWithOneLine() throws Exception {
        Path bomb = Files.write(dir.resolve("bomb.png"), pngHeader(16000, 16000));
        Path out = dir.resolve("cat.mp4");
        Cli r = Cli.run("generate", "a cat", "--image", bomb.toString(), "-o", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errorLines().lines().count(), r.err());
        assertTrue(r.errorLines().contains("16000x16000") && r.errorLines().contains("8192"), r.err());
        assertTrue(Files.notExists(out));
    }

    /** The PNG signature, an IHDR of the given size and a short IDAT of zeros. */
    private static byte[] pngHeader(int width, int height) {
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[4096]);
        byte[] idat = new byte[8192];
        int n = deflater.deflate(idat, 0, idat.length, Deflater.SYNC_FLUSH);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", Arrays.copyOf(idat, n));
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
}
