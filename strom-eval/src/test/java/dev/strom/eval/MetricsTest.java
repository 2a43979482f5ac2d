package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics can fail: each gives the expected verdict on clean clips and the opposite on broken ones. */
class MetricsTest {

    static final CaptionedWorld WORLD = new CaptionedWorld(32, 16, 8, 0);

    static double[][] gaussians(int n, int d, double shift, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] v : x) for (int i = 0; i < d; i++) v[i] = r.nextGaussian() + shift;
        return x;
    }

    @Test
    void heldOutPromptsAreTheSameInEveryRun() {
        // pinned strings: a seed taken from an enum's identity hash would pick other templates in another JVM
        var world = new CaptionedWorld(32, 16, 8, 0);
        var combo = new Scene.Combo(Thing.APPLE,
                Motion.SHRINK, Hue.GREEN);
        assertEquals("green background, a red apple shrinking", Evaluation.heldOutPrompt(world, combo, 0, false));
        assertEquals("ein roter Apfel wird kleiner auf grünem Hintergrund", Evaluation.heldOutPrompt(world, combo, 0, true));
    }

    @Test
    void frechetDistanceOfASetWithItselfIsZeroAndGrowsWithCorruption() {
        double[][] a = gaussians(200, 8, 0, 1);
        assertEquals(0, FrechetDistance.between(a, a), 1e-6);
        double[][] b = gaussians(200, 8, 0, 2);
        double sameDistribution = FrechetDistance.between(a, b);
        double shifted = FrechetDistance.between(a, gaussians(200, 8, 1, 3));
        double moreShifted = FrechetDistance.between(a, gaussians(200, 8, 2, 3));
        assertTrue(sameDistribution < 1, "samples of one distribution: " + sameDistribution);
        assertTrue(shifted > 5 && moreShifted > shifted, shifted + " < " + moreShifted);
    }

    @Test
    void trackedMotionFollowsTheTruthAndRejectsTheOpposite() {
        Clip left = WORLD.render(WORLD.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 2));
        assertTrue(TemporalQuality.movesAsPrompted(left, Motion.LEFT));
        assertFalse(TemporalQuality.movesAsPrompted(left, Motion.RIGHT));
        Clip grow = WORLD.render(WORLD.scene(new Scene.Combo(Thing.STAR, Motion.GROW, Hue.GRAY), 2));
        assertTrue(TemporalQuality.movesAsPrompted(grow, Motion.GROW));
        assertFalse(TemporalQuality.movesAsPrompted(grow, Motion.SHRINK));
        assertEquals(null, TemporalQuality.movesAsPrompted(grow, Motion.SPIN));
    }

    @Test
    void flickerIsZeroOnCleanClipsAndPositiveWithNoise() {
        Clip clean = WORLD.render(WORLD.scene(new Scene.Combo(Thing.HEART, Motion.STAY, Hue.BLACK), 2));
        assertEquals(0, TemporalQuality.flicker(clean), 1e-9);
        byte[] noisy = clean.rgb().clone();
        Random r = new Random(4);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = (byte) Math.max(0, Math.min(255, (noisy[i] & 0xff) + r.nextInt(21) - 10));
        }
        assertTrue(TemporalQuality.flicker(new Clip(16, 32, 32, 8, noisy)) > 3);
    }

    @Test
    void aBackgroundThatSwitchesColourEveryFrameFlickersAsAWholeRatherThanReadingAsStill() {
        byte[] rgb = new byte[8 * 32 * 32 * 3];
        for (int t = 0; t < 8; t++) {
            // purple and grey by turns: no pixel stays the clip's background colour throughout
            byte r = (byte) (t % 2 == 0 ? 120 : 128), g = (byte) (t % 2 == 0 ? 50 : 128), b = (byte) (t % 2 == 0 ? 160 : 128);
            for (int i = t * 32 * 32 * 3; i < (t + 1) * 32 * 32 * 3; i += 3) {
                rgb[i] = r;
                rgb[i + 1] = g;
                rgb[i + 2] = b;
            }
        }
        assertEquals((8 + 78 + 32) / 3.0, TemporalQuality.flicker(new Clip(8, 32, 32, 8, rgb)), 1e-9);
    }
}
