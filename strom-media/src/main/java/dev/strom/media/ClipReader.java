package dev.strom.media;

import dev.strom.data.Clip;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a video file into a clip. When the file records Strom's native size (an upscaled Strom
 * output), frames are sampled back to it at the centre of each upscaled pixel.
 */
public final class ClipReader {

    /** What a decoded file holds: the clip, the fps, and the size it was stored at. */
    public record Decoded(Clip clip, int storedWidth, int storedHeight) {
    }

    private ClipReader() {
    }

    /** 0xRRGGBB per pixel from a BGR24 frame, honouring FFmpeg's padded row stride. */
    private static int[] rgbPixels(Frame f) {
        ByteBuffer buf = (ByteBuffer) f.image[0];
        int stride = f.imageStride;
        int[] out = new int[f.imageWidth * f.imageHeight];
        for (int y = 0; y < f.imageHeight; y++) {
            for (int x = 0; x < f.imageWidth; x++) {
                int i = y * stride + x * 3;
                int b = buf.get(i) & 0xff, g = buf.get(i + 1) & 0xff, r = buf.get(i + 2) & 0xff;
                out[y * f.imageWidth + x] = (r << 16) | (g << 8) | b;
            }
        }
        return out;
    }

    public static Decoded read(Path file) throws IOException {
        return read(file, true);
    }

    /** The frames exactly as stored, without undoing Strom's upscale (what a watermark detector needs). */
    public static Clip readStored(Path file) throws IOException {
        return read(file, false).clip();
    }

    private static Decoded read(Path file, boolean toNativeSize) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        List<int[]> frames = new ArrayList<>();
        int sw;
        int sh;
        double fps;
        String comment;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            try {
                g.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                throw new IOException("not a readable video: " + file.getFileName());
            }
            if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
                throw new IOException("no video stream in " + file.getFileName());
            }
            fps = g.getFrameRate() > 0 ? g.getFrameRate() : 8;
            sw = g.getImageWidth();
            sh = g.getImageHeight();
            comment = g.getMetadata("comment");
            Frame f;
            while ((f = g.grabImage()) != null) {
                frames.add(rgbPixels(f));
            }
            g.stop();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IOException("cannot decode " + file.getFileName() + ": " + e.getMessage());
        }
        if (frames.isEmpty()) {
            throw new IOException("no frames in " + file.getFileName());
        }
        int w = sw, h = sh;
        if (toNativeSize && comment != null && comment.startsWith(ClipWriter.NATIVE_TAG)) {
            String[] wh = comment.substring(ClipWriter.NATIVE_TAG.length()).trim().split("x");
            try {
                w = Integer.parseInt(wh[0]);
                h = Integer.parseInt(wh[1]);
            } catch (RuntimeException e) {
                w = sw;
                h = sh;
            }
        }
        byte[] rgb = new byte[frames.size() * w * h * 3];
        for (int t = 0; t < frames.size(); t++) {
            int[] img = frames.get(t);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = img[(int) ((y + 0.5) * sh / h) * sw + (int) ((x + 0.5) * sw / w)];
                    int i = ((t * h + y) * w + x) * 3;
                    rgb[i] = (byte) (p >> 16);
                    rgb[i + 1] = (byte) (p >> 8);
                    rgb[i + 2] = (byte) p;
                }
            }
        }
        return new Decoded(new Clip(frames.size(), h, w, fps, rgb), sw, sh);
    }
}
