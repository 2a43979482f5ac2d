package dev.strom.data.world;

import dev.strom.data.Clip;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Random;

class CaptionedWorldTest {

    private final CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0.25);

    /** Centre of the pixels that differ from the background colour in frame t. */
    static double[] centroid(Clip c, int t, Hue bg) {
        int[] rgb = {bg.color().getRed(), bg.color().getGreen(), bg.color().getBlue()};
        double sx = 0, sy = 0, n = 0;
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                int d = 0;
                for (int k = 0; k < 3; k++) d += Math.abs(c.pixel(t, y, x, k) - rgb[k]);
                if (d > 60) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return new double[]{sx / n, sy / n, n};
    }

    @Test
    void sameSeedSameClipAndCaption() {
        WorldDataset a = new WorldDataset(world, 42);
        WorldDataset b = new WorldDataset(world, 42);
        assertArrayEquals(a.training(7).clip().rgb(), b.training(7).clip().rgb());
        assertEquals(a.training(7).caption(), b.training(7).caption());
        assertFalse(Arrays.equals(a.training(7).clip().rgb(), a.training(8).clip().rgb()));
    }

    @Test
    void objectsMoveTheWayTheirMotionSays() {
        for (Motion m : new Motion[]{Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN}) {
            Clip c = world.render(world.scene(new Scene.Combo(Thing.APPLE, m, Hue.BLUE), 3));
            double[] first = centroid(c, 0, Hue.BLUE);
            double[] last = centroid(c, 15, Hue.BLUE);
            double dx = last[0] - first[0];
            double dy = last[1] - first[1];
            switch (m) {
                case LEFT -> assertTrue(dx < -8, "left: dx=" + dx);
                case RIGHT -> assertTrue(dx > 8, "right: dx=" + dx);
                case UP -> assertTrue(dy < -8, "up: dy=" + dy);
                case DOWN -> assertTrue(dy > 8, "down: dy=" + dy);
                default -> { }
            }
        }
        Clip grow = world.render(world.scene(new Scene.Combo(Thing.STAR, Motion.GROW, Hue.BLACK), 3));
        assertTrue(centroid(grow, 15, Hue.BLACK)[2] > 2 * centroid(grow, 0, Hue.BLACK)[2], "grows");
    }

    @Test
    void heldOutTriplesNeverAppearInTraining() {
        WorldDataset d = new WorldDataset(world, 1);
        for (int i = 0; i < 3000; i++) {
            Scene s = world.trainingScene(i);
            for (Scene.Actor a : s.actors()) {
                assertFalse(CaptionedWorld.HELD_OUT.contains(new Scene.Combo(a.thing(), a.motion(), s.background())));
                assertTrue(CaptionedWorld.visible(a.thing(), s.background()));
            }
        }
        assertEquals(12, d.heldOut(false, 1).size());
        assertFalse(CaptionedWorld.HELD_OUT.contains(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE)),
                "the README's example prompt stays in training");
    }

    @Test
    void aSmallerWorldDrawsOnlyItsMotionsAndKeepsTheClassicDrawsOtherwise() {
        CaptionedWorld translations = world.withMotions(List.of(Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN, Motion.STAY));
        Set<Motion> seen = EnumSet.noneOf(Motion.class);
        for (int i = 0; i < 500; i++) {
            translations.trainingScene(i).actors().forEach(a -> seen.add(a.motion()));
        }
        assertEquals(EnumSet.of(Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN, Motion.STAY), seen);
        CaptionedWorld all = world.withMotions(List.of(Motion.values()));
        for (int i = 0; i < 50; i++) {
            assertEquals(world.trainingScene(i), all.trainingScene(i), "the full list draws as the classic world does");
        }
        assertThrows(IllegalArgumentException.class, () -> world.withMotions(List.of()));
        assertEquals(Motion.STAY, Motion.fromName("stay"));
        assertThrows(IllegalArgumentException.class, () -> Motion.fromName("jumping"));
    }

    @Test
    void captionsNameObjectMotionAndBackgroundInBothLanguages() {
        Scene s = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 1);
        for (int seed = 0; seed < 20; seed++) {
            String en = Captions.english(s, new Random(seed));
            String de = Captions.german(s, new Random(seed));
            assertTrue(en.contains("apple") && en.contains("left") && en.contains("blue"), en);
            assertTrue(de.contains("Apfel") && de.contains("links") && de.contains("blauem Hintergrund"), de);
        }
        Scene heart = world.scene(new Scene.Combo(Thing.HEART, Motion.GROW, Hue.GREEN), 1);
        String de = Captions.german(heart, new Random(0));
        assertTrue(de.contains("Herz") && de.contains("grünem"), de);
    }

    @Test
    void aTrainingCaptionForAnotherMotionDiffersOnlyInTheMotionWords() {
        WorldDataset d = new WorldDataset(world, 5);
        for (int i = 0; i < 30; i++) {
            WorldDataset.Sample s = d.training(i);
            assertEquals(s.caption(), d.trainingCaption(i, s.scene()), "the sample's own scene gives its own caption");
            Motion other = s.scene().primary().motion() == Motion.UP ? Motion.DOWN : Motion.UP;
            String moved = d.trainingCaption(i, s.scene().withPrimaryMotion(other));
            assertNotEquals(s.caption(), moved);
            String word = s.german() ? (other == Motion.UP ? "nach oben" : "nach unten") : (other == Motion.UP ? " up" : " down");
            assertTrue(moved.contains(word), moved + " names " + word);
            assertEquals(s.caption().split(" ").length - wordsOf(s.scene().primary().motion(), s.german()) + wordsOf(other, s.german()),
                    moved.split(" ").length,
                    "same template: " + s.caption() + " / " + moved);
        }
    }

    private static int wordsOf(Motion m, boolean german) {
        return german ? (m.verb + " " + m.rest).trim().split(" ").length : m.english().split(" ").length;
    }

    @Test
    void withSpeedsAnObjectCoversItsDrawnPixelsPerFrameAndMayLeaveThePictureWhileOtherScenesStayAsTheyWere() {
        CaptionedWorld classic = new CaptionedWorld(32, 16, 8, 0.15);
        CaptionedWorld fast = classic.withSpeeds(2.0, 2.5);
        Scene.Combo left = new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE);
        for (long seed = 0; seed < 20; seed++) {
            Scene.Actor a = fast.scene(left, seed).primary();
            double pxPerFrame = a.travel() * 32 / 15;
            assertTrue(pxPerFrame >= 2.0 - 1e-9 && pxPerFrame <= 2.5 + 1e-9, "speed " + pxPerFrame);
            assertTrue(a.x() >= 0.25 && a.x() <= 0.75, "it starts anywhere along its way: " + a.x());
        }
        boolean leaves = false;
        for (long seed = 0; seed < 20 && !leaves; seed++) {
            Scene.Actor a = fast.scene(left, seed).primary();
            leaves = a.x() - a.travel() + a.size() / 2 < 0;
        }
        assertTrue(leaves, "at 2 px a frame some objects run out of the picture");
        Scene.Combo grow = new Scene.Combo(Thing.HOUSE, Motion.GROW, Hue.BLACK);
        assertEquals(classic.scene(grow, 5), fast.scene(grow, 5), "speeds are for objects moving left, right, up or down");
    }

    @Test
    void withSpeedsInFrameEveryMovingObjectStaysInThePictureAtTheFastestSpeedThatFits() {
        CaptionedWorld classic = new CaptionedWorld(32, 16, 8, 0.15);
        CaptionedWorld inFrame = classic.withSpeedsInFrame(0.5, 2.5);
        double fastest = 0;
        for (Motion m : List.of(Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN)) {
            for (long seed = 0; seed < 40; seed++) {
                Scene.Actor a = inFrame.scene(new Scene.Combo(Thing.APPLE, m, Hue.BLUE), seed).primary();
                double pxPerFrame = a.travel() * 32 / 15;
                assertTrue(pxPerFrame >= 0.5 - 1e-9 && pxPerFrame <= 0.7 * 32 / 15 + 1e-9, m + " speed " + pxPerFrame);
                fastest = Math.max(fastest, pxPerFrame);
                for (double t : new double[]{0, 1}) {
                    double[] pose = m.pose(t, a.travel());
                    double x = a.x() + pose[0];
                    double y = a.y() + pose[1];
                    assertTrue(x >= 0.15 - 1e-9 && x <= 0.85 + 1e-9 && y >= 0.15 - 1e-9 && y <= 0.85 + 1e-9,
                            m + " seed " + seed + " centre at t=" + t + ": " + x + ", " + y);
                }
            }
        }
        assertTrue(fastest > 1.3, "speeds reach near what fits in 16 frames (1.49 px): " + fastest);
        CaptionedWorld short8 = new CaptionedWorld(32, 8, 8, 0.15).withSpeedsInFrame(2.0, 2.5);
        double px = short8.scene(new Scene.Combo(Thing.APPLE, Motion.RIGHT, Hue.BLUE), 3).primary().travel() * 32 / 7;
        assertTrue(px >= 2.0 && px <= 2.5, "in 8 frames 2-2.5 px a frame fits: " + px);
    }

    /** Writes a contact sheet of a few training clips to target/ for a person to look at. */
    @Test
    void writesAContactSheet() throws Exception {
        WorldDataset d = new WorldDataset(world, 9);
        BufferedImage sheet = new BufferedImage(16 * 32, 6 * 32, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < 6; r++) {
            Clip c = d.training(r).clip();
            for (int t = 0; t < 16; t++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int rgb = (c.pixel(t, y, x, 0) << 16) | (c.pixel(t, y, x, 1) << 8) | c.pixel(t, y, x, 2);
                        sheet.setRGB(t * 32 + x, r * 32 + y, rgb);
                    }
                }
            }
            System.out.println("row " + r + ": " + d.training(r).caption());
        }
        File out = new File("target/world-sheet.png");
        out.getParentFile().mkdirs();
        assertTrue(ImageIO.write(sheet, "png", out));
    }
}
