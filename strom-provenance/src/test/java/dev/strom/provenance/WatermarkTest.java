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

    @Test
    void markingCostsLessThanTheQualityBudget() throws Exception {
        ImageQuality q = ImageQuality.between(MediaDecoder.storedPixels(unmarked), MediaDecoder.storedPixels(marked));
        assertTrue(q.psnr() >= 38, "PSNR " + q.psnr());
        assertTrue(q.ssim() > 0.9, "SSIM " + q.ssim());
    }
}
