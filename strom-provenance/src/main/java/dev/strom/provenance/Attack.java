package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import dev.strom.media.ClipWriter;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What happens to clips in the wild, applied to a video file: each attack decodes the frames as stored,
 * changes them and writes a new MP4 with no metadata (which also strips the C2PA manifest).
 */
public enum Attack {
    /** Re-encoded as H.264 at CRF 28 (a typical platform setting; Strom writes CRF 16). */
    REENCODE_CRF28(List.of(), 28),
    /** Downscaled to half width and height. */
    DOWNSCALE_HALF(List.of(Step.DOWNSCALE), 16),
    /** 10% cut from every side. */
    CROP_10(List.of(Step.CROP), 16),
    /** Every second frame dropped. */
    DROP_HALF_FRAMES(List.of(Step.DROP), 16),
    /** All metadata removed (manifest included): decoded and written again at Strom's own quality. */
    STRIP_METADATA(List.of(), 16),
    /** All of the above, one after the other. */
    COMBINED(List.of(Step.CROP, Step.DOWNSCALE, Step.DROP), 28);

    private enum Step { CROP, DOWNSCALE, DROP }

    private final List<Step> steps;
    private final int crf;

    Attack(List<Step> steps, int crf) {
        this.steps = steps;
        this.crf = crf;
    }

    public void apply(Path in, Path out) throws IOException {
        Clip clip = MediaDecoder.storedPixels(in);
        for (Step s : steps) {
            clip = switch (s) {
                case CROP -> crop(clip, 0.1);
                case DOWNSCALE -> resize(clip, even(clip.width() / 2), even(clip.height() / 2));
                case DROP -> dropOdd(clip);
            };
        }
        ClipWriter.writeReencoded(clip, out, crf);
    }

    private static int even(int v) {
        return Math.max(2, v & ~1);
    }

    private static Clip crop(Clip clip, double share) {
        int x0 = (int) Math.round(clip.width() * share);
        int y0 = (int) Math.round(clip.height() * share);
        int w = even(clip.width() - 2 * x0);
        int h = even(clip.height() - 2 * y0);
        byte[] out = new byte[clip.frames() * w * h * 3];
        for (int t = 0; t < clip.frames(); t++) {
            for (int y = 0; y < h; y++) {
                int from = ((t * clip.height() + y + y0) * clip.width() + x0) * 3;
                System.arraycopy(clip.rgb(), from, out, (t * h + y) * w * 3, w * 3);
            }
        }
        return new Clip(clip.frames(), h, w, clip.fps(), out);
    }

    /** Area-averaging resize, frame by frame. */
    private static Clip resize(Clip clip, int w, int h) {
        byte[] out = new byte[clip.frames() * w * h * 3];
        for (int t = 0; t < clip.frames(); t++) {
            BufferedImage src = new BufferedImage(clip.width(), clip.height(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < clip.height(); y++) {
                for (int x = 0; x < clip.width(); x++) {
                    src.setRGB(x, y, (clip.pixel(t, y, x, 0) << 16) | (clip.pixel(t, y, x, 1) << 8) | clip.pixel(t, y, x, 2));
                }
            }
            BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            dst.getGraphics().drawImage(src.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = dst.getRGB(x, y);
                    int i = ((t * h + y) * w + x) * 3;
                    out[i] = (byte) (p >> 16);
                    out[i + 1] = (byte) (p >> 8);
                    out[i + 2] = (byte) p;
                }
            }
        }
        return new Clip(clip.frames(), h, w, clip.fps(), out);
    }

    private static Clip dropOdd(Clip clip) {
        int kept = (clip.frames() + 1) / 2;
        byte[] out = new byte[kept * clip.frameBytes()];
        for (int t = 0; t < kept; t++) {
            System.arraycopy(clip.rgb(), 2 * t * clip.frameBytes(), out, t * clip.frameBytes(), clip.frameBytes());
        }
        return new Clip(kept, clip.height(), clip.width(), clip.fps() / 2, out);
    }
}
