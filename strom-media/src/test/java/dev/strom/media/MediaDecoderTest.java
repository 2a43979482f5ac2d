package dev.strom.media;

import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder.Fit;
import dev.strom.media.MediaDecoder.Target;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;

class MediaDecoderTest {

    private static final int SOURCE_FPS = 20;
    private static final int SOURCE_FRAMES = 20;

    @TempDir
    Path dir;

    /** 64x48 frames at 20 fps whose grey level tells the frame number (10 + 10 t). */
    static Clip numberedFrames() {
        int w = 64, h = 48;
        byte[] rgb = new byte[SOURCE_FRAMES * w * h * 3];
        for (int t = 0; t < SOURCE_FRAMES; t++) {
            Arrays.fill(rgb, t * w * h * 3, (t + 1) * w * h * 3, (byte) (10 + 10 * t));
        }
        return new Clip(SOURCE_FRAMES, h, w, SOURCE_FPS, rgb);
    }

    /** A 96x32 frame: red, green and blue thirds from left to right. */
    static Clip flag() {
        int w = 96, h = 32;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[(y * w + x) * 3 + x / 32] = (byte) 255;
            }
        }
        return new Clip(1, h, w, SOURCE_FPS, rgb);
    }

    /** Writes a clip with a container and codec FFmpeg picks for mov and avi, as a camera or editor would. */
    static void record(Clip clip, Path file, String format, int codec) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), clip.width(), clip.height(), 0);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat(format);
            rec.setVideoCodec(codec);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(clip.fps());
            rec.setVideoQuality(2);
            rec.start();
            for (int t = 0; t < clip.frames(); t++) {
                rec.record(conv.convert(ClipWriter.frame(clip, t, 1)), avutil.AV_PIX_FMT_BGR24);
            }
            rec.stop();
        }
    }

    Path write(Clip clip, String name) throws IOException {
        Path file = dir.resolve(name);
        switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "mov" -> record(clip, file, "mov", avcodec.AV_CODEC_ID_H264);
            case "avi" -> record(clip, file, "avi", avcodec.AV_CODEC_ID_MPEG4);
            case "png", "jpg" -> ImageIO.write(ClipWriter.frame(clip, 0, 1), name.endsWith("png") ? "png" : "jpeg", file.toFile());
            default -> ClipWriter.write(clip, file, 1);
        }
        return file;
    }

    private static double meanLevel(Clip c, int t) {
        long sum = 0;
        for (int i = t * c.frameBytes(); i < (t + 1) * c.frameBytes(); i++) sum += c.rgb()[i] & 0xff;
        return (double) sum / c.frameBytes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip.mp4", "clip.mov", "clip.avi", "clip.webm", "clip.gif"})
    void everyContainerIsResampledToTheTargetRateAndSquareSize(String name) throws IOException {
        Path file = write(numberedFrames(), name);

        Clip c = MediaDecoder.decode(file, new Target(16, 5, 0), Fit.CROP).clip();

        assertEquals(5, c.frames(), "one second at 5 fps");
        assertEquals(16, c.width());
        assertEquals(16, c.height());
        assertEquals(5.0, c.fps());
        for (int t = 0; t < 5; t++) {
            double expected = 10 + 10 * (4 * t);
            assertEquals(expected, meanLevel(c, t), 6, name + ": frame " + t + " is stored frame " + 4 * t);
        }
    }

    @Test
    void aHigherRateHoldsEachFrame() throws IOException {
        Path file = write(numberedFrames(), "clip.mp4");

        Clip c = MediaDecoder.decode(file, new Target(16, 40, 0), Fit.CROP).clip();

        assertEquals(40, c.frames());
        assertEquals(meanLevel(c, 6), meanLevel(c, 7), 1e-9, "stored frame 3 is shown twice");
    }

    @Test
    void readGivesTheFirstWindowAndWindowsCutTheRest() throws IOException {
        Path file = write(numberedFrames(), "clip.mp4");

        Clip first = MediaDecoder.read(file, new Target(16, 10, 4), Fit.CROP);
        List<Clip> windows = MediaDecoder.decode(file, new Target(16, 10, 0), Fit.CROP).windows(4, 3);

        assertEquals(4, first.frames());
        assertEquals(3, windows.size(), "10 frames give windows at 0, 3 and 6");
        assertEquals(10 + 10 * 6, meanLevel(windows.get(1), 0), 6, "second window starts at frame 3 (stored frame 6)");
        assertEquals(meanLevel(first, 3), meanLevel(windows.get(0), 3), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flag.png", "flag.jpg"})
    void anImageIsAOneFrameClipCroppedOrPadded(String name) throws IOException {
        Path file = write(flag(), name);

        Clip cropped = MediaDecoder.read(file, new Target(16, 8, 16), Fit.CROP);
        Clip padded = MediaDecoder.read(file, new Target(24, 8, 16), Fit.PAD);

        assertEquals(1, cropped.frames());
        for (int y = 0; y < 16; y += 5) {
            for (int x = 0; x < 16; x += 5) {
                assertTrue(cropped.pixel(0, y, x, 1) > 200 && cropped.pixel(0, y, x, 0) < 60,
                        "the centre crop is the green third at " + x + "," + y);
            }
        }
        assertEquals(1, padded.frames());
        assertEquals(24, padded.width());
        assertTrue(padded.pixel(0, 0, 12, 1) < 20, "a bar above the letterboxed frame");
        assertTrue(padded.pixel(0, 23, 12, 1) < 20, "and below it");
        assertTrue(padded.pixel(0, 12, 1, 0) > 200, "the whole width is kept: red on the left");
        assertTrue(padded.pixel(0, 12, 22, 2) > 200, "blue on the right");
        assertTrue(padded.pixel(0, 12, 12, 1) > 200, "green in the middle");
    }

    @Test
    void aFileThatIsNotMediaFailsClearly() throws IOException {
        Path txt = dir.resolve("notes.mp4");
        Files.writeString(txt, "this is not a video");

        IOException e = assertThrows(IOException.class, () -> MediaDecoder.read(txt, new Target(16, 8, 4), Fit.CROP));

        assertEquals("not a readable video or image: notes.mp4", e.getMessage());
    }

    @Test
    void aMissingFileFailsClearly() {
        IOException e = assertThrows(IOException.class,
                () -> MediaDecoder.read(dir.resolve("gone.mp4"), new Target(16, 8, 4), Fit.CROP));

        assertTrue(e.getMessage().startsWith("no such file"), e.getMessage());
    }
}
