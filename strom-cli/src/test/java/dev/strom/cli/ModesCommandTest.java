package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Captions;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.WorldDataset;
import dev.strom.eval.EditGroundTruth;
import dev.strom.media.MediaDecoder;
import dev.strom.provenance.ImageQuality;
import dev.strom.media.ClipWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;

/** Image-to-video, extension, editing, remix and long videos from the command line, with the bundled model. */
class ModesCommandTest {

    @TempDir
    Path dir;

    private final WorldDataset.Sample scene = new WorldDataset(new CaptionedWorld(32, 16, 8, 0), 5).training(7);

    @Test
    void imageToVideoStartsWithTheImage() throws Exception {
        Path still = dir.resolve("still.png");
        Clip source = scene.clip();
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (source.pixel(0, y, x, 0) << 16) | (source.pixel(0, y, x, 1) << 8) | source.pixel(0, y, x, 2));
            }
        }
        ImageIO.write(img, "png", still.toFile());
        Path out = dir.resolve("i2v.mp4");
        Cli r = Cli.run("generate", scene.caption(), "--image", still.toString(), "--seed", "42", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        Clip made = MediaDecoder.decode(out, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
        assertEquals(16, made.frames());
        double psnr = psnr(source, 0, made, 0);
        assertTrue(psnr >= 30, "frame 0 should be the image (PSNR " + psnr + " dB at model size)");
    }

    @Test
    void anExtendedClipBeginsWithTheSourceFrames() throws Exception {
        Path src = dir.resolve("source.mp4");
        ClipWriter.write(scene.clip(), src, 8);
        Clip decodedSource = MediaDecoder.decode(src, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
        Path out = dir.resolve("longer.mp4");
        Cli r = Cli.run("extend", src.toString(), scene.caption(), "--seconds", "1", "--seed", "42", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        Clip made = MediaDecoder.decode(out, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip();
        assertEquals(16 + 8, made.frames(), "16 source frames and one second at 8 fps");
        for (int t = 0; t < 16; t++) {
            double psnr = psnr(decodedSource, t, made, t);
            assertTrue(psnr >= 30, "frame " + t + " should be the source's (PSNR " + psnr + " dB)");
        }
    }

    @Test
    void anEditIsAsLongAsItsSourceAndDeterministic() throws Exception {
        Path src = dir.resolve("source.mp4");
        ClipWriter.write(scene.clip(), src, 8);
        Path a = dir.resolve("a.gif");
        Path b = dir.resolve("b.gif");
        Cli r = Cli.run("edit", src.toString(), "make the background blue", "--seed", "42", "-o", a.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(0, Cli.run("edit", src.toString(), "make the background blue", "--seed", "42", "-o", b.toString()).exit());
        assertEquals(16, MediaDecoder.decode(a, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip().frames());
        assertTrue(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "same seed, same edit");
    }

    /**
     * The first object change and the first background change of the evaluation's edit pairs: the source written
     * as Strom writes a clip (its prompt as the title) or as any other file (described with --from), remixed
     * under the edited scene's caption, shows the new attribute and keeps the other, by the ground truth.
     */
    @Test
    void aRemixChangesWhatTheNewPromptChangesAndKeepsTheRest() throws Exception {
        EditPairs pairs = new EditPairs(new CaptionedWorld(32, 16, 8, 0), 4242);
        EditPairs.Pair background = null, object = null;
        for (int i = 0; background == null || object == null; i++) {
            EditPairs.Pair p = pairs.pair(i);
            if (p.change() == EditPairs.Change.BACKGROUND && background == null) {
                background = p;
            } else if (p.change() == EditPairs.Change.OBJECT && object == null) {
                object = p;
            }
        }
        for (EditPairs.Pair p : List.of(background, object)) {
            String from = Captions.english(p.before(), new Random(1));
            String to = Captions.english(p.after(), new Random(1));
            Path src = dir.resolve(p.change() + ".mp4");
            boolean titled = p == background;
            ClipWriter.write(p.source(), src, 8, titled ? Map.of("title", from) : Map.of(), ClipWriter.FrameFilter.NONE);
            Path out = dir.resolve(p.change() + "-remix.mp4");
            Cli r = titled ? Cli.run("remix", src.toString(), to, "--seed", "42", "-o", out.toString())
                    : Cli.run("remix", src.toString(), to, "--from", from, "--seed", "42", "-o", out.toString());
            assertEquals(0, r.exit(), r.err());
            Clip made = MediaDecoder.decode(out, new MediaDecoder.Target(32, 8, 0), MediaDecoder.Fit.CROP).clip();
            assertEquals(16, made.frames());
            EditGroundTruth.Check check = EditGroundTruth.check(made, p);
            assertTrue(check.right(), from + " -> " + to + ": " + check);
        }
    }

    @Test
    void aLongVideoIsMadeWindowByWindowWithALivePreview() throws Exception {
        Path out = dir.resolve("long.gif");
        Path preview = dir.resolve("preview.png");
        Cli r = Cli.run("generate", "a green tree moving up on a black background", "--frames", "32",
                "--preview", preview.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(32, MediaDecoder.decode(out, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP).clip().frames());
        BufferedImage sheet = ImageIO.read(preview.toFile());
        assertTrue(sheet.getWidth() > 0 && sheet.getHeight() > 0, "the preview is a readable PNG");
    }

    @Test
    void badModeInputGivesOneLineAndExitCode2() throws Exception {
        Path notImage = dir.resolve("notes.png");
        Files.writeString(notImage, "not an image");
        Cli r = Cli.run("generate", "a red apple", "--image", notImage.toString(), "-o", dir.resolve("x.mp4").toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.errorLines().lines().count(), r.err());
        Cli e = Cli.run("extend", notImage.toString(), "a red apple", "-o", dir.resolve("y.mp4").toString());
        assertEquals(2, e.exit());
        assertEquals(1, e.errorLines().lines().count(), e.err());
        Cli m = Cli.run("remix", notImage.toString(), "a red apple", "-o", dir.resolve("z.mp4").toString());
        assertEquals(2, m.exit());
        assertEquals(1, m.errorLines().lines().count(), m.err());
        Cli s = Cli.run("extend", notImage.toString(), "a red apple", "--seconds", "0");
        assertEquals(2, s.exit());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no output files were written");
        }
    }

    @Test
    void anExtensionOrEditPastTheLongestVideoIsRefusedInOneLine() throws Exception {
        Path src = dir.resolve("source.mp4");
        ClipWriter.write(scene.clip(), src, 8);
        Path out = dir.resolve("long.mp4");
        Cli e = Cli.run("extend", src.toString(), scene.caption(), "--seconds", "600", "-o", out.toString());
        assertEquals(2, e.exit(), e.err());
        assertEquals("strom: error: --seconds 600.0 would make 4816 frames (the clip's 16 and 4800 more); a video is at most 256 frames",
                e.errorLines().strip());

        Path longSource = dir.resolve("long-source.mp4");
        Clip one = scene.clip();
        byte[] rgb = new byte[one.rgb().length * 17];
        for (int i = 0; i < 17; i++) {
            System.arraycopy(one.rgb(), 0, rgb, i * one.rgb().length, one.rgb().length);
        }
        ClipWriter.write(new Clip(16 * 17, one.height(), one.width(), one.fps(), rgb), longSource, 1);
        Cli m = Cli.run("edit", longSource.toString(), "make the background blue", "-o", out.toString());
        assertEquals(2, m.exit(), m.err());
        assertEquals("strom: error: edit takes a source of at most 256 frames at the model's fps, got 272",
                m.errorLines().strip());
        assertTrue(!Files.exists(out), "no output file");
    }

    /** PSNR of frame a of clip x against frame b of clip y, 8-bit RGB. */
    static double psnr(Clip x, int a, Clip y, int b) {
        return ImageQuality.between(x.window(a, 1), y.window(b, 1)).psnr();
    }
}
