package dev.strom.media;

import dev.strom.data.Clip;
import dev.strom.data.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** All frames of a clip side by side in one PNG, so a person can see a clip at a glance. */
public final class ContactSheet {

    private ContactSheet() {
    }

    public static BufferedImage of(Clip clip, int scale, int perRow) {
        int cols = Math.min(perRow, clip.frames());
        int rows = (clip.frames() + cols - 1) / cols;
        int w = clip.width() * scale;
        int h = clip.height() * scale;
        BufferedImage sheet = new BufferedImage(cols * (w + 2), rows * (h + 2), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        for (int t = 0; t < clip.frames(); t++) {
            g.drawImage(ClipWriter.frame(clip, t, scale), (t % cols) * (w + 2), (t / cols) * (h + 2), null);
        }
        g.dispose();
        return sheet;
    }

    public static void write(Clip clip, Path file, int scale) throws IOException {
        BufferedImage sheet = of(clip, scale, 8);
        AtomicFiles.write(file, out -> ImageIO.write(sheet, "png", out));
    }
}
