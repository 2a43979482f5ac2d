package dev.strom.media;

import dev.strom.data.Clip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LosslessCodecsTest {

    @TempDir
    Path dir;

    @Test
    void ratesAreTheEncodedSizesOverTheClipsDimensions() throws Exception {
        Clip clip = ClipWriterTest.apple();
        Map<String, LosslessCodecs.Rate> rates = LosslessCodecs.measure(clip, dir);
        long ffv1Bytes = Files.size(dir.resolve("clip-ffv1.mkv"));
        assertEquals(ffv1Bytes, rates.get("ffv1").bytes());
        assertEquals(ffv1Bytes * 8.0 / (16 * 32 * 32 * 3), rates.get("ffv1").bitsPerDim(), 1e-12);
        assertEquals(Files.size(dir.resolve("clip-x264rgb.mkv")) * 8.0 / (16 * 32 * 32 * 3),
                rates.get("x264-lossless").bitsPerDim(), 1e-12);
        for (LosslessCodecs.Rate r : rates.values()) {
            assertTrue(r.bitsPerDim() > 0 && r.bitsPerDim() < 8, r.toString());
        }
    }

    @Test
    void ffv1AndX264RgbAreReallyLossless() throws Exception {
        Clip clip = ClipWriterTest.apple();
        LosslessCodecs.measure(clip, dir);
        for (String file : new String[]{"clip-ffv1.mkv", "clip-x264rgb.mkv"}) {
            Clip back = MediaDecoder.decode(dir.resolve(file), MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
            assertArrayEquals(clip.rgb(), back.rgb(), file + " must decode to the same pixels");
        }
    }

    @Test
    void noiseCostsAboutEightBitsPerDimension() throws Exception {
        byte[] noise = new byte[8 * 32 * 32 * 3];
        new Random(1).nextBytes(noise);
        Clip clip = new Clip(8, 32, 32, 8, noise);
        double ffv1 = LosslessCodecs.measure(clip, dir).get("ffv1").bitsPerDim();
        assertTrue(ffv1 > 7.5, "incompressible noise: " + ffv1);
    }
}
