package dev.strom.media;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.awt.Color;
import java.awt.Graphics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

class ClipWriterTest {

    @TempDir
    Path dir;

    static Clip apple() {
        CaptionedWorld w = new CaptionedWorld(32, 16, 8, 0);
        return w.render(w.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 1));
    }

    /** Mean absolute difference of two clips of equal shape, in 8-bit levels. */
    static double meanAbsDiff(Clip a, Clip b) {
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        return (double) sum / a.rgb().length;
    }

    static MediaDecoder.Media stored(Path file) throws IOException {
        return MediaDecoder.decode(file, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
    }

    @Test
    void aFrameFilterSeesEveryFrameAtTheStoredSizeBeforeEncoding() throws IOException {
        Path mp4 = dir.resolve("filtered.mp4");
        List<Integer> seen = new ArrayList<>();
        ClipWriter.write(apple(), mp4, 8, Map.of(), (t, image) -> {
            assertEquals(256, image.getWidth());
            seen.add(t);
            Graphics g = image.getGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 64, 64);
        });
        assertEquals(IntStream.range(0, 16).boxed().toList(), seen);
        Clip stored = MediaDecoder.storedPixels(mp4);
        assertEquals(256, stored.width(), "storedPixels keeps the stored size");
        assertTrue(stored.pixel(3, 10, 10, 0) > 240 && stored.pixel(3, 10, 10, 2) > 240, "the filter's change was encoded");
    }

    @Test
    void reencodingWritesTheStoredSizeWithNoMetadata() throws IOException {
        Path mp4 = dir.resolve("apple.mp4");
        Path again = dir.resolve("again.mp4");
        ClipWriter.write(apple(), mp4, 8);
        ClipWriter.writeReencoded(MediaDecoder.storedPixels(mp4), again, 28);
        MediaDecoder.Media d = stored(again);
        assertEquals(256, d.clip().width(), "no native-size comment any more");
        assertTrue(Files.size(again) < Files.size(mp4), "CRF 28 spends fewer bits than Strom's CRF 16");
    }

    @Test
    void mp4DecodesToTheSameFramesSizeAndRate() throws IOException {
        Clip clip = apple();
        Path mp4 = dir.resolve("apple.mp4");
        ClipWriter.write(clip, mp4, 8);
        MediaDecoder.Media d = stored(mp4);
        assertEquals(16, d.clip().frames());
        assertEquals(256, d.storedWidth());
        assertEquals(256, d.storedHeight());
        assertEquals(32, d.clip().width(), "native size is recovered from the file's comment");
        assertEquals(8.0, d.clip().fps(), 1e-6);
        assertTrue(meanAbsDiff(clip, d.clip()) < 6, "lossy but close: " + meanAbsDiff(clip, d.clip()));
    }

    @Test
    void webmAndGifDecodeToo() throws IOException {
        Clip clip = apple();
        for (String name : new String[]{"apple.webm", "apple.gif"}) {
            Path p = dir.resolve(name);
            ClipWriter.write(clip, p, 4);
            MediaDecoder.Media d = stored(p);
            assertEquals(16, d.clip().frames(), name);
            assertEquals(128, d.storedWidth(), name);
            assertTrue(meanAbsDiff(clip, resample(d.clip(), 32)) < 12, name + ": " + meanAbsDiff(clip, resample(d.clip(), 32)));
        }
    }

    private static Clip resample(Clip c, int size) {
        if (c.width() == size) return c;
        byte[] out = new byte[c.frames() * size * size * 3];
        int f = c.width() / size;
        for (int t = 0; t < c.frames(); t++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    for (int k = 0; k < 3; k++)
                        out[((t * size + y) * size + x) * 3 + k] = (byte) c.pixel(t, y * f + f / 2, x * f + f / 2, k);
        return new Clip(c.frames(), size, size, c.fps(), out);
    }

    @Test
    void unsupportedExtensionIsRejectedAndNothingIsWritten() {
        Path avi = dir.resolve("x.avi");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipWriter.write(apple(), avi, 2));
        assertTrue(e.getMessage().contains(".avi"));
        assertFalse(Files.exists(avi));
    }

    @Test
    void anEncoderThatFailsMidwayLeavesNeitherTheFileNorATemporary() throws IOException {
        for (String name : new String[]{"x.mp4", "x.webm", "x.gif"}) {
            Path out = dir.resolve(name);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClipWriter.write(apple(), out, 2, Map.of(),
                    (t, image) -> {
                        if (t == 7) {
                            throw new IllegalStateException("stopped at frame 7");
                        }
                    }));
            assertEquals("stopped at frame 7", e.getMessage());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), name + ": nothing at the target, no temporary");
            }
        }
    }

    @Test
    void aFileTheEncoderLeftShortIsRefused() throws IOException {
        // what a disk that fills during FFmpeg's trailer leaves: JavaCV returns normally, the file is cut short
        for (String name : new String[]{"x.mp4", "x.webm"}) {
            Path whole = dir.resolve(name);
            ClipWriter.write(apple(), whole, 8);
            ClipWriter.requireWhole(whole, 16);
            byte[] bytes = Files.readAllBytes(whole);
            Path cut = Files.write(dir.resolve("cut-" + name), java.util.Arrays.copyOf(bytes, bytes.length / 2));
            IOException e = assertThrows(IOException.class, () -> ClipWriter.requireWhole(cut, 16), name);
            assertTrue(e.getMessage().contains("disk full?"), e.getMessage());
        }
    }

    @Test
    void missingDirectoryIsAnErrorAndLeavesNoFile() {
        Path p = dir.resolve("nope/out.mp4");
        assertThrows(IOException.class, () -> ClipWriter.write(apple(), p, 2));
        assertFalse(Files.exists(p));
    }
}
