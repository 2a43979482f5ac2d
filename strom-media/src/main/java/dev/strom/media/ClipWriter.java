package dev.strom.media;

import dev.strom.data.AtomicFiles;
import dev.strom.data.Clip;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes clips as H.264 MP4 (yuv420p, plays in browsers), VP9 WebM or animated GIF, upscaled by an
 * integer factor with nearest-neighbour so pixels stay crisp. The native size is recorded in the
 * file's comment ("strom native=WxH") so readers can undo the upscale. Files appear whole or not at all.
 */
public final class ClipWriter {

    /** Comment prefix that records the model's native frame size. */
    public static final String NATIVE_TAG = "strom native=";

    /** Changes each frame, at the size written, just before it is encoded (Strom's watermark does this). */
    @FunctionalInterface
    public interface FrameFilter {
        FrameFilter NONE = (t, image) -> { };

        void apply(int frame, BufferedImage image);
    }

    private ClipWriter() {
    }

    public static void write(Clip clip, Path target, int scale) throws IOException {
        write(clip, target, scale, Map.of());
    }

    public static void write(Clip clip, Path target, int scale, Map<String, String> metadata) throws IOException {
        write(clip, target, scale, metadata, FrameFilter.NONE);
    }

    /**
     * Writes the clip at the stored size as H.264 MP4 of the given quality with no metadata at all, the way a
     * platform re-encodes an upload (so readers see the stored size as native).
     */
    public static void writeReencoded(Clip clip, Path target, int crf) throws IOException {
        if (VideoFormat.of(target) != VideoFormat.MP4) {
            throw new IllegalArgumentException("re-encoding writes MP4 only");
        }
        AtomicFiles.write(target, ".part.mp4", tmp -> writeVideo(clip, tmp, 1, VideoFormat.MP4, Map.of(), FrameFilter.NONE, crf));
    }

    public static void write(Clip clip, Path target, int scale, Map<String, String> metadata, FrameFilter filter)
            throws IOException {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1");
        }
        VideoFormat format = VideoFormat.of(target);
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("output directory does not exist: " + dir);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("output directory is not writable: " + dir);
        }
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put("comment", NATIVE_TAG + clip.width() + "x" + clip.height());
        // FFmpeg picks nothing from the name (the format is set), but keep the extension for readers.
        AtomicFiles.write(target, ".part." + format.extension(), tmp -> {
            switch (format) {
                case GIF -> writeGif(clip, tmp, scale, filter);
                case MP4, WEBM -> writeVideo(clip, tmp, scale, format, meta, filter, format == VideoFormat.MP4 ? 16 : 24);
            }
        });
    }

    /** Frame t of a clip as an image, upscaled by nearest neighbour. */
    public static BufferedImage frame(Clip clip, int t, int scale) {
        int w = clip.width() * scale;
        int h = clip.height() * scale;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sy = y / scale, sx = x / scale;
                int rgb = (clip.pixel(t, sy, sx, 0) << 16) | (clip.pixel(t, sy, sx, 1) << 8) | clip.pixel(t, sy, sx, 2);
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static void writeVideo(Clip clip, Path file, int scale, VideoFormat format, Map<String, String> meta,
                                   FrameFilter filter, int crf) throws IOException {
        int w = clip.width() * scale;
        int h = clip.height() * scale;
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("yuv420p needs even frame sizes; use an even --scale");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), w, h, 0);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat(format == VideoFormat.MP4 ? "mp4" : "webm");
            rec.setFrameRate(clip.fps());
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            if (format == VideoFormat.MP4) {
                rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                rec.setVideoOption("crf", String.valueOf(crf));
                rec.setVideoOption("preset", "medium");
                rec.setOption("movflags", "+faststart");
            } else {
                rec.setVideoCodec(avcodec.AV_CODEC_ID_VP9);
                rec.setVideoOption("crf", String.valueOf(crf));
                rec.setVideoBitrate(0);
            }
            rec.setMetadata(meta);
            rec.start();
            for (int t = 0; t < clip.frames(); t++) {
                BufferedImage img = frame(clip, t, scale);
                filter.apply(t, img);
                Frame f = conv.convert(img);
                rec.record(f, avutil.AV_PIX_FMT_BGR24);
            }
            rec.stop();
        }
        requireWhole(file, clip.frames());
    }

    /**
     * Fails unless the file holds every frame. JavaCV's {@code stop()} drops what {@code av_write_trailer} and the
     * final {@code avio_close} return, so a disk that fills while the index is written or the last buffer flushed
     * leaves a short file behind a normal return; counting the packets back (no decoding) catches it before the
     * file is moved into place.
     */
    static void requireWhole(Path file, int frames) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        int packets = 0;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            for (AVPacket p; (p = g.grabPacket()) != null; ) {
                packets += p.stream_index() == g.getVideoStream() ? 1 : 0;
            }
            g.stop();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IOException("the encoder left an unreadable file (disk full?): " + e.getMessage(), e);
        } finally {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        }
        if (packets < frames) {
            throw new IOException("the encoder wrote " + packets + " of " + frames + " frames (disk full?)");
        }
    }

    /** GIF through ImageIO with one palette of the clip's most frequent colours (nearest match for the rest). */
    private static void writeGif(Clip clip, Path file, int scale, FrameFilter filter) throws IOException {
        IndexColorModel palette = Palette.of(clip);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            int delay = (int) Math.round(100 / clip.fps());
            for (int t = 0; t < clip.frames(); t++) {
                BufferedImage img = frame(clip, t, scale);
                filter.apply(t, img);
                BufferedImage indexed = Palette.apply(img, palette);
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(indexed), null);
                String fmt = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", String.valueOf(delay));
                gce.setAttribute("transparentColorIndex", "0");
                IIOMetadataNode table = child(root, "LocalColorTable");
                while (table.hasChildNodes()) {
                    table.removeChild(table.getFirstChild());
                }
                table.setAttribute("sizeOfLocalColorTable", "256");
                table.setAttribute("sortFlag", "FALSE");
                for (int i = 0; i < 256; i++) {
                    IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
                    entry.setAttribute("index", String.valueOf(i));
                    entry.setAttribute("red", String.valueOf(palette.getRed(i)));
                    entry.setAttribute("green", String.valueOf(palette.getGreen(i)));
                    entry.setAttribute("blue", String.valueOf(palette.getBlue(i)));
                    table.appendChild(entry);
                }
                if (t == 0) {
                    IIOMetadataNode apps = child(root, "ApplicationExtensions");
                    IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                    app.setAttribute("applicationID", "NETSCAPE");
                    app.setAttribute("authenticationCode", "2.0");
                    app.setUserObject(new byte[]{1, 0, 0});
                    apps.appendChild(app);
                    IIOMetadataNode comments = child(root, "CommentExtensions");
                    IIOMetadataNode c = new IIOMetadataNode("CommentExtension");
                    c.setAttribute("value", NATIVE_TAG + clip.width() + "x" + clip.height());
                    comments.appendChild(c);
                }
                meta.setFromTree(fmt, root);
                writer.writeToSequence(new IIOImage(indexed, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
