package dev.strom.media;

import dev.strom.data.Clip;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.awt.image.BufferedImage;
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

    public static Decoded read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        List<BufferedImage> frames = new ArrayList<>();
        double fps;
        String comment;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
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
            comment = g.getMetadata("comment");
            Frame f;
            while ((f = g.grabImage()) != null) {
                BufferedImage img = conv.getBufferedImage(f);
                BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
                copy.getGraphics().drawImage(img, 0, 0, null);
                frames.add(copy);
            }
            g.stop();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IOException("cannot decode " + file.getFileName() + ": " + e.getMessage());
        }
        if (frames.isEmpty()) {
            throw new IOException("no frames in " + file.getFileName());
        }
        int sw = frames.get(0).getWidth();
        int sh = frames.get(0).getHeight();
        int w = sw, h = sh;
        if (comment != null && comment.startsWith(ClipWriter.NATIVE_TAG)) {
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
            BufferedImage img = frames.get(t);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = img.getRGB((int) ((x + 0.5) * sw / w), (int) ((y + 0.5) * sh / h));
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
