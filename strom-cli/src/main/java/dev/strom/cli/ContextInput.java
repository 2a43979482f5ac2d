package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.media.ClipReader;
import dev.strom.video.VideoSpec;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Frames that open a video (a still for image-to-video, a clip to extend), brought to the model's size and fps. */
final class ContextInput {

    private ContextInput() {
    }

    /** The first frame of an image file, centre-cropped and resized to the model's size: [1, C, H, W]. */
    static float[] image(Path file, VideoSpec spec) throws IOException {
        Clip c = ClipReader.read(file).clip();
        return fit(c, spec, 1, 1).toModelLayout();
    }

    /** Every frame of a clip, resampled to the model's fps and size: [T, C, H, W]. */
    static float[] clip(Path file, VideoSpec spec) throws IOException {
        Clip c = ClipReader.read(file).clip();
        int frames = Math.max(1, (int) Math.round(c.frames() * spec.fps() / c.fps()));
        return fit(c, spec, frames, c.fps() / spec.fps()).toModelLayout();
    }

    private static Clip fit(Clip c, VideoSpec spec, int frames, double step) {
        int s = spec.size();
        byte[] out = new byte[frames * s * s * 3];
        for (int t = 0; t < frames; t++) {
            int src = Math.min(c.frames() - 1, (int) Math.floor(t * step));
            BufferedImage frame = new BufferedImage(c.width(), c.height(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < c.height(); y++) {
                for (int x = 0; x < c.width(); x++) {
                    frame.setRGB(x, y, (c.pixel(src, y, x, 0) << 16) | (c.pixel(src, y, x, 1) << 8) | c.pixel(src, y, x, 2));
                }
            }
            int side = Math.min(c.width(), c.height());
            BufferedImage square = frame.getSubimage((c.width() - side) / 2, (c.height() - side) / 2, side, side);
            BufferedImage small = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, side == s
                    ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(square.getScaledInstance(s, s, side > s ? java.awt.Image.SCALE_AREA_AVERAGING : java.awt.Image.SCALE_FAST), 0, 0, null);
            g.dispose();
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int rgb = small.getRGB(x, y);
                    int i = ((t * s + y) * s + x) * 3;
                    out[i] = (byte) (rgb >> 16);
                    out[i + 1] = (byte) (rgb >> 8);
                    out[i + 2] = (byte) rgb;
                }
            }
        }
        return new Clip(frames, s, s, spec.fps(), out);
    }
}
