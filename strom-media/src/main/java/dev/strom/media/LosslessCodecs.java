package dev.strom.media;

import dev.strom.data.Clip;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real lossless codecs on the same 8-bit RGB pixels the model scores, so a model's bits/dim can be read
 * as a compression rate beside theirs: FFV1 (RGB), x264 lossless (libx264rgb, qp 0) and PNG per frame.
 * Each rate is the encoded size in bits over the clip's dimensions (frames x height x width x 3).
 */
public final class LosslessCodecs {

    /** One codec's result: its file (or frames) size and the rate. */
    public record Rate(String codec, long bytes, double bitsPerDim) {
    }

    private LosslessCodecs() {
    }

    public static double bitsPerDim(long bytes, Clip clip) {
        return bytes * 8.0 / ((double) clip.frames() * clip.height() * clip.width() * 3);
    }

    /** Every codec's rate on this clip, writing scratch files into dir. */
    public static Map<String, Rate> measure(Clip clip, Path dir) throws IOException {
        Map<String, Rate> out = new LinkedHashMap<>();
        out.put("ffv1", rate("ffv1", encode(clip, dir.resolve("clip-ffv1.mkv"), "matroska", avcodec.AV_CODEC_ID_FFV1,
                avutil.AV_PIX_FMT_BGR0, Map.of("level", "3")), clip));
        out.put("x264-lossless", rate("x264-lossless", encode(clip, dir.resolve("clip-x264rgb.mkv"), "matroska", -1,
                avutil.AV_PIX_FMT_BGR24, Map.of("qp", "0", "preset", "veryslow")), clip));
        out.put("png", rate("png", pngBytes(clip), clip));
        return out;
    }

    private static Rate rate(String codec, long bytes, Clip clip) {
        return new Rate(codec, bytes, bitsPerDim(bytes, clip));
    }

    /** Encodes and returns the file size. codecId -1 selects libx264rgb by name. */
    static long encode(Clip clip, Path file, String format, int codecId, int pixelFormat, Map<String, String> options)
            throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), clip.width(), clip.height(), 0);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat(format);
            rec.setFrameRate(clip.fps());
            if (codecId < 0) {
                rec.setVideoCodecName("libx264rgb");
            } else {
                rec.setVideoCodec(codecId);
            }
            rec.setPixelFormat(pixelFormat);
            options.forEach(rec::setVideoOption);
            rec.start();
            for (int t = 0; t < clip.frames(); t++) {
                Frame f = conv.convert(ClipWriter.frame(clip, t, 1));
                rec.record(f, avutil.AV_PIX_FMT_BGR24);
            }
            rec.stop();
        }
        return Files.size(file);
    }

    static long pngBytes(Clip clip) throws IOException {
        long total = 0;
        for (int t = 0; t < clip.frames(); t++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(ClipWriter.frame(clip, t, 1), "png", out);
            total += out.size();
        }
        return total;
    }
}
