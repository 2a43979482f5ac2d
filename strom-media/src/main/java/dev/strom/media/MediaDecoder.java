package dev.strom.media;

import dev.strom.data.Clip;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

/**
 * The one way Strom reads media: videos (MP4, MOV, AVI, WebM, MKV, GIF) and images (PNG, JPEG) all go through
 * FFmpeg, so an image is simply a one-frame clip. Frames are resampled to a target rate, fitted to the model's
 * square size (centre crop or letterbox pad) and cut into windows. Strom's own upscaled outputs (tagged
 * "strom native=WxH") are first brought back to their native size. Pictures over {@link PixelLimit} are refused
 * before they are decoded.
 */
public final class MediaDecoder {

    /** How a non-square frame becomes square: keep the centre, or show it all on black bars. */
    public enum Fit { CROP, PAD }

    /**
     * What the caller wants: a square size, a frame rate and a frame count. A size, fps or frame count of 0
     * means "as stored" (native size, every frame, all frames).
     */
    public record Target(int size, double fps, int frames) {
        public Target {
            if (size < 0 || fps < 0 || frames < 0 || Double.isNaN(fps)) {
                throw new IllegalArgumentException("target size, fps and frames must not be negative");
            }
        }

        /** The file as stored: native size, native rate, every frame. */
        public static Target asStored() {
            return new Target(0, 0, 0);
        }
    }

    /**
     * Every frame of a file at the target size and rate, the size it was stored at, and the size and rate it had
     * before any fitting (a Strom file's own size, its viewing upscale undone).
     */
    public record Media(Clip clip, int storedWidth, int storedHeight, int nativeWidth, int nativeHeight, double nativeFps) {

        /** What the file was, when decoding changed its size or rate ("640x360 at 30 fps"); null when it did not. */
        public String resampledFrom() {
            boolean same = nativeWidth == clip.width() && nativeHeight == clip.height()
                    && Math.abs(nativeFps - clip.fps()) <= 1e-3 * clip.fps();
            return same ? null : nativeWidth + "x" + nativeHeight + " at " + nativeFps + " fps";
        }

        /** Windows of {@code frames} frames every {@code stride} frames; one shorter clip when the file is shorter. */
        public List<Clip> windows(int frames, int stride) {
            if (frames <= 0 || stride <= 0) {
                throw new IllegalArgumentException("window frames and stride must be positive");
            }
            if (clip.frames() <= frames) {
                return List.of(clip);
            }
            List<Clip> out = new ArrayList<>();
            for (int start = 0; start + frames <= clip.frames(); start += stride) {
                out.add(clip.window(start, frames));
            }
            return out;
        }
    }

    private MediaDecoder() {
    }

    /**
     * A file as a model of square frames of {@code size} at {@code fps} reads it: centre-cropped, resampled in
     * size and rate, at most {@code frames} frames (0: all). The one way Strom turns footage from elsewhere into
     * model input: image-to-video's still, the clip to extend, edit or remix, the clip to score or classify.
     */
    public static Media forModel(Path file, int size, double fps, int frames) throws IOException {
        return decode(file, new Target(size, fps, frames), Fit.CROP, frames, true);
    }

    /** The first window of a file (fewer frames when the file is shorter). */
    public static Clip read(Path file, Target target, Fit fit) throws IOException {
        return decode(file, target, fit, target.frames(), true).clip();
    }

    /** Every frame of a file, resampled and fitted. */
    public static Media decode(Path file, Target target, Fit fit) throws IOException {
        return decode(file, target, fit, 0, true);
    }

    /**
     * Every frame exactly as the file stores it, without undoing Strom's upscale: the pixels a watermark
     * detector or a quality measure must see.
     */
    public static Clip storedPixels(Path file) throws IOException {
        return decode(file, Target.asStored(), Fit.CROP, 0, false).clip();
    }

    /** The container's metadata tags (title, comment, encoder, ...); empty for a file that carries none. */
    public static Map<String, String> tags(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            try {
                g.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                throw new IOException("not a readable video or image: " + file.getFileName());
            }
            Map<String, String> tags = new TreeMap<>(g.getMetadata());
            g.stop();
            return tags;
        }
    }

    /** The container's title tag (Strom writes the prompt there); null when there is none. */
    public static String title(Path file) throws IOException {
        String title = tags(file).get("title");
        return title == null || title.isBlank() ? null : title;
    }


    private static Media decode(Path file, Target target, Fit fit, int maxFrames, boolean nativeSize) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        // before FFmpeg sees it: probing a PNG decodes its first frame, however large it says it is
        PixelLimit.checkHeader(file);
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        FrameRate rate;
        List<Raster> frames;
        int storedWidth;
        int storedHeight;
        int nativeWidth;
        int nativeHeight;
        double sourceFps;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            try {
                g.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                throw new IOException("not a readable video or image: " + file.getFileName());
            }
            storedWidth = g.getImageWidth();
            storedHeight = g.getImageHeight();
            if (storedWidth <= 0 || storedHeight <= 0) {
                throw new IOException("no video stream in " + file.getFileName());
            }
            PixelLimit.check(String.valueOf(file.getFileName()), storedWidth, storedHeight);
            sourceFps = g.getFrameRate() > 0 ? g.getFrameRate() : 8;
            Shape shape = Shape.of(storedWidth, storedHeight, nativeSize ? g.getMetadata("comment") : null, target.size(), fit);
            nativeWidth = shape.nativeWidth();
            nativeHeight = shape.nativeHeight();
            rate = new FrameRate(target.fps() > 0 ? target.fps() : sourceFps, sourceFps, target.fps() > 0, maxFrames);
            Frame f;
            while (!rate.full() && (f = g.grabImage()) != null) {
                rate.offer(f.timestamp / 1e6, shape.fit(Raster.of(f)));
            }
            g.stop();
            frames = rate.finish();
        } catch (FFmpegFrameGrabber.Exception e) {
            throw new IOException("cannot decode " + file.getFileName() + ": " + e.getMessage());
        }
        if (frames.isEmpty()) {
            throw new IOException("no frames in " + file.getFileName());
        }
        Raster first = frames.get(0);
        byte[] rgb = new byte[frames.size() * first.rgb().length];
        for (int t = 0; t < frames.size(); t++) {
            System.arraycopy(frames.get(t).rgb(), 0, rgb, t * first.rgb().length, first.rgb().length);
        }
        return new Media(new Clip(frames.size(), first.height(), first.width(), rate.fps(), rgb), storedWidth, storedHeight,
                nativeWidth, nativeHeight, sourceFps);
    }

    /** One RGB frame, rows packed. */
    record Raster(int width, int height, byte[] rgb) {

        /** A BGR24 frame as RGB, honouring FFmpeg's padded row stride. */
        static Raster of(Frame f) {
            ByteBuffer buf = ((ByteBuffer) f.image[0]).duplicate();
            int w = f.imageWidth, h = f.imageHeight;
            byte[] row = new byte[w * 3];
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                buf.position(y * f.imageStride);
                buf.get(row);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    rgb[i] = row[x * 3 + 2];
                    rgb[i + 1] = row[x * 3 + 1];
                    rgb[i + 2] = row[x * 3];
                }
            }
            return new Raster(w, h, rgb);
        }

        /**
         * The source rectangle (x0, y0, w, h) averaged into a dw x dh image placed at (ox, oy) of a cw x ch
         * canvas (black elsewhere). Box averaging keeps detail honest when shrinking and undoes Strom's
         * nearest-neighbour upscale exactly.
         */
        Raster resample(int x0, int y0, int w, int h, int dw, int dh, int cw, int ch, int ox, int oy) {
            byte[] out = new byte[cw * ch * 3];
            for (int y = 0; y < dh; y++) {
                int ya = y0 + (int) ((long) y * h / dh);
                int yb = Math.max(ya + 1, y0 + (int) ((long) (y + 1) * h / dh));
                for (int x = 0; x < dw; x++) {
                    int xa = x0 + (int) ((long) x * w / dw);
                    int xb = Math.max(xa + 1, x0 + (int) ((long) (x + 1) * w / dw));
                    int n = (yb - ya) * (xb - xa);
                    int o = ((oy + y) * cw + ox + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        int sum = 0;
                        for (int sy = ya; sy < yb; sy++) {
                            for (int sx = xa; sx < xb; sx++) {
                                sum += rgb[(sy * width + sx) * 3 + c] & 0xff;
                            }
                        }
                        out[o + c] = (byte) ((sum + n / 2) / n);
                    }
                }
            }
            return new Raster(cw, ch, out);
        }
    }

    /** How each stored frame becomes a target frame: back to Strom's native size if tagged, then fitted. */
    private record Shape(int nativeWidth, int nativeHeight, int size, Fit fit) {

        static Shape of(int storedWidth, int storedHeight, String comment, int size, Fit fit) {
            int w = storedWidth, h = storedHeight;
            if (comment != null && comment.startsWith(ClipWriter.NATIVE_TAG)) {
                String[] wh = comment.substring(ClipWriter.NATIVE_TAG.length()).trim().split("x");
                try {
                    int nw = Integer.parseInt(wh[0]), nh = Integer.parseInt(wh[1]);
                    if (nw > 0 && nh > 0 && nw <= storedWidth && nh <= storedHeight) {
                        w = nw;
                        h = nh;
                    }
                } catch (RuntimeException ignored) {
                    // a foreign comment that merely looks like the tag: read the file as stored
                }
            }
            return new Shape(w, h, size, fit);
        }

        Raster fit(Raster stored) {
            Raster r = stored;
            if (r.width() != nativeWidth || r.height() != nativeHeight) {
                r = r.resample(0, 0, r.width(), r.height(), nativeWidth, nativeHeight, nativeWidth, nativeHeight, 0, 0);
            }
            if (size == 0 || (r.width() == size && r.height() == size)) {
                return r;
            }
            if (fit == Fit.CROP) {
                int side = Math.min(r.width(), r.height());
                return r.resample((r.width() - side) / 2, (r.height() - side) / 2, side, side, size, size, size, size, 0, 0);
            }
            int longer = Math.max(r.width(), r.height());
            int dw = Math.max(1, (int) Math.round((double) r.width() * size / longer));
            int dh = Math.max(1, (int) Math.round((double) r.height() * size / longer));
            return r.resample(0, 0, r.width(), r.height(), dw, dh, size, size, (size - dw) / 2, (size - dh) / 2);
        }
    }

    /**
     * Picks, for each tick of the target rate, the latest stored frame shown at that moment (frames are
     * held or dropped, never blended, so motion stays sharp). Timestamps come from the container; when they
     * do not increase (some image sequences) the stored rate is assumed.
     */
    private static final class FrameRate {
        private static final double EPS = 1e-4;
        private final double fps;
        private final double sourceFps;
        private final boolean resample;
        private final int max;
        private final List<Raster> out = new ArrayList<>();
        private Raster previous;
        private double previousTime;
        private double firstTime = Double.NaN;
        private int seen;

        FrameRate(double fps, double sourceFps, boolean resample, int max) {
            this.fps = fps;
            this.sourceFps = sourceFps;
            this.resample = resample;
            this.max = max;
        }

        double fps() {
            return fps;
        }

        boolean full() {
            return max > 0 && out.size() >= max;
        }

        void offer(double timestamp, Raster frame) {
            if (!resample) {
                out.add(frame);
                return;
            }
            if (Double.isNaN(firstTime)) {
                firstTime = timestamp;
            }
            double t = timestamp - firstTime;
            if (previous != null && !(t > previousTime)) {
                t = seen / sourceFps;
            }
            while (previous != null && !full() && out.size() / fps < t - EPS) {
                out.add(previous);
            }
            previous = frame;
            previousTime = t;
            seen++;
        }

        List<Raster> finish() {
            if (previous != null) {
                double end = previousTime + 1 / sourceFps;
                while (!full() && out.size() / fps < end - EPS) {
                    out.add(previous);
                }
                if (out.isEmpty()) {
                    out.add(previous);
                }
            }
            return out;
        }
    }
}
