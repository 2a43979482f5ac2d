package dev.strom.footage;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.media.ClipWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A small folder dataset for tests here and in the CLI (shipped in this module's test jar). */
public final class TestFootage {

    private TestFootage() {
    }

    /**
     * Four good files captioned three ways (csv, jsonl, .txt), and the three kinds of broken file: a corrupt
     * video, a clip whose caption is empty and a 1x1 image.
     */
    public static void fillWithGoodAndBrokenFiles(Path folder) throws IOException {
        CaptionedWorld world = new CaptionedWorld(32, 8, 8, 0);
        Thing[] things = {Thing.APPLE, Thing.STAR, Thing.APPLE};
        Hue[] backgrounds = {Hue.BLUE, Hue.GREEN, Hue.BLACK};
        for (int i = 0; i < 3; i++) {
            Clip clip = world.render(world.scene(new Scene.Combo(things[i], Motion.LEFT, backgrounds[i]), i));
            ClipWriter.write(clip, folder.resolve("clip" + i + ".mp4"), 1);
        }
        ClipWriter.write(world.render(world.scene(new Scene.Combo(Thing.STAR, Motion.RIGHT, Hue.WHITE), 7)),
                folder.resolve("quiet.mp4"), 1);
        BufferedImage still = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) still.setRGB(x, y, 0xcc2020);
        ImageIO.write(still, "png", folder.resolve("red.png").toFile());
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", folder.resolve("tiny.png").toFile());
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        Files.write(folder.resolve("broken.mp4"), garbage);

        Files.writeString(folder.resolve("captions.csv"), """
                file,caption
                clip0.mp4,"an apple moving left, on blue"
                quiet.mp4,
                broken.mp4,a broken clip
                tiny.png,one pixel
                """);
        Files.writeString(folder.resolve("captions.jsonl"), """
                {"file": "clip1.mp4", "caption": "a star moving left on green"}
                {"file": "red.png", "caption": "a red wall"}
                """);
        Files.writeString(folder.resolve("clip2.txt"), "an apple moving left on black\n");
    }
}
