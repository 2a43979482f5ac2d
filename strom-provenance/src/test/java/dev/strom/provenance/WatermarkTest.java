package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.media.MediaDecoder;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatermarkTest {

    private static final CaptionedWorld WORLD = new CaptionedWorld(32, 16, 8, 0);
    private static final WatermarkPayload PAYLOAD = new WatermarkPayload(
            WatermarkPayload.modelIdOf("world-32"), WatermarkPayload.clipIdOf("a red apple moving left|seed 42"));

    @TempDir
    static Path dir;
    static Path marked;
    static Path unmarked;

    @BeforeAll
    static void writeClips() throws Exception {
        Clip clip = WORLD.render(WORLD.trainingScene(7));
        marked = dir.resolve("marked.mp4");
        unmarked = dir.resolve("unmarked.mp4");
        ClipWriter.write(clip, marked, 8, Map.of(), Watermark.informed(PAYLOAD, clip, 8).filter());
        ClipWriter.write(clip, unmarked, 8);
    }

    @Test
    void theMarkedClipCarriesThePayload() throws Exception {
        WatermarkDetection d = Watermark.detect(MediaDecoder.storedPixels(marked));
        assertTrue(d.detected(), d.toString());
        assertEquals(PAYLOAD, d.payload());
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void thePayloadSurvivesEachAttackAndAllCombined(Attack attack) throws Exception {
        Path attacked = dir.resolve(attack + ".mp4");
        attack.apply(marked, attacked);
        WatermarkDetection d = Watermark.detect(MediaDecoder.storedPixels(attacked));
        assertTrue(d.detected(), d.toString());
        assertTrue(PAYLOAD.agreement(d.payload()) >= 0.95, attack + ": " + PAYLOAD.agreement(d.payload()));
        assertFalse(ContentCredentials.status(attacked).present(), "the attack strips the manifest");
    }

    @Test
    void fewerThanOneInAHundredUnmarkedClipsReportAWatermark() throws Exception {
        int falsePositives = 0;
        for (long seed = 1000; seed < 1200; seed++) {
            Path file = dir.resolve("plain.mp4");
            ClipWriter.write(WORLD.render(WORLD.trainingScene(seed)), file, 8);
            if (Watermark.detect(MediaDecoder.storedPixels(file)).detected()) {
                falsePositives++;
            }
        }
        assertTrue(falsePositives < 2, falsePositives + " of 200 unmarked clips reported a watermark");
    }

    @Test
    void theNeverMarkedClipReportsNoWatermark() throws Exception {
        assertFalse(Watermark.detect(MediaDecoder.storedPixels(unmarked)).detected());
    }

    /** Clips where the picture fights the mark; the embedder has to see that and make up for it. */
    enum HardClip {
        /** A pure black background cannot go darker, so half of the pattern's shifts are lost there. */
        SQUARE_ON_PURE_BLACK,
        /**
         * What the stage-6 bundled model made of "a yellow star spinning on a black background", seed 4: a large
         * blurred shape whose own structure is as strong as the mark in many cells. Before the embedder ran
         * the detector, 1 payload in 9 on this clip went undetected and most were read with wrong bits.
         */
        YELLOW_STAR_FROM_THE_MODEL;

        Clip clip() throws Exception {
            return this == SQUARE_ON_PURE_BLACK ? squareOnPureBlack() : tiles("yellow-star-on-black.png");
        }
    }

    @ParameterizedTest
    @EnumSource(HardClip.class)
    void aHardClipCarriesEveryPayloadWithMarginAndWithinTheQualityBudget(HardClip hard) throws Exception {
        Clip clip = hard.clip();
        Path file = dir.resolve(hard + ".mp4");
        Path plain = dir.resolve(hard + "-plain.mp4");
        ClipWriter.write(clip, plain, 8);
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            WatermarkPayload payload = new WatermarkPayload(WatermarkPayload.modelIdOf("world-32"), WatermarkPayload.clipIdOf(hard + " " + i));
            ClipWriter.write(clip, file, 8, Map.of(), Watermark.informed(payload, clip, 8).filter());
            WatermarkDetection d = Watermark.detect(MediaDecoder.storedPixels(file));
            assertTrue(d.detected(), "payload " + i + ": " + d);
            assertEquals(payload, d.payload(), "payload " + i);
            lowest = Math.min(lowest, d.score());
            if (i == 0) {
                ImageQuality q = ImageQuality.between(MediaDecoder.storedPixels(plain), MediaDecoder.storedPixels(file));
                assertTrue(q.psnr() >= 38, "PSNR " + q.psnr());
            }
        }
        assertTrue(lowest > 1.2 * Watermark.THRESHOLD, "lowest score " + lowest);
    }

    /** A small yellow square crossing a background of level 0, 16 frames at 32x32. */
    private static Clip squareOnPureBlack() {
        int frames = 16, size = 32;
        byte[] rgb = new byte[frames * size * size * 3];
        for (int t = 0; t < frames; t++) {
            for (int y = 13; y < 19; y++) {
                for (int x = 4 + t; x < 10 + t; x++) {
                    int i = ((t * size + y) * size + x) * 3;
                    rgb[i] = (byte) 235;
                    rgb[i + 1] = (byte) 205;
                    rgb[i + 2] = (byte) 40;
                }
            }
        }
        return new Clip(frames, size, size, 8, rgb);
    }

    /** 16 frames of 32x32 stored as a 4x4 grid of tiles in one PNG (lossless, row by row). */
    private static Clip tiles(String resource) throws Exception {
        BufferedImage grid;
        try (InputStream in = WatermarkTest.class.getResourceAsStream(resource)) {
            grid = ImageIO.read(in);
        }
        int frames = 16, size = 32;
        byte[] rgb = new byte[frames * size * size * 3];
        for (int t = 0; t < frames; t++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int v = grid.getRGB((t % 4) * size + x, (t / 4) * size + y);
                    int i = ((t * size + y) * size + x) * 3;
                    rgb[i] = (byte) (v >> 16);
                    rgb[i + 1] = (byte) (v >> 8);
                    rgb[i + 2] = (byte) v;
                }
            }
        }
        return new Clip(frames, size, size, 8, rgb);
    }

    @Test
    void markingCostsLessThanTheQualityBudget() throws Exception {
        ImageQuality q = ImageQuality.between(MediaDecoder.storedPixels(unmarked), MediaDecoder.storedPixels(marked));
        assertTrue(q.psnr() >= 38, "PSNR " + q.psnr());
        assertTrue(q.ssim() > 0.9, "SSIM " + q.ssim());
    }
}
