package dev.strom.media;

import dev.strom.data.AtomicFiles;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Single images in formats the JDK cannot write (WebP, through FFmpeg's libwebp); written atomically. */
public final class StillImage {

    private StillImage() {
    }

    public static void writeWebp(BufferedImage image, Path target, int quality) throws IOException {
        BufferedImage bgr = image;
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            bgr.getGraphics().drawImage(image, 0, 0, null);
        }
        BufferedImage frame = bgr;
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        AtomicFiles.write(target, ".part.webp", tmp -> {
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(tmp.toFile(), frame.getWidth(), frame.getHeight(), 0);
                 Java2DFrameConverter conv = new Java2DFrameConverter()) {
                rec.setFormat("webp");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_WEBP);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setFrameRate(1);
                rec.setVideoQuality(quality);
                rec.setVideoOption("loop", "1");
                rec.start();
                rec.record(conv.convert(frame), avutil.AV_PIX_FMT_BGR24);
                rec.stop();
            }
        });
    }
}
