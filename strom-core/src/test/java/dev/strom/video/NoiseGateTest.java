package dev.strom.video;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The final denoising step's temporal half: a still background keeps its colour from frame to frame whatever noise
 * the sample left on it, and whatever moves passes as it was made.
 */
class NoiseGateTest {

    private static final int C = 3;
    private static final int SIZE = 8;
    private static final int PLANE = C * SIZE * SIZE;
    private static final double SIGMA = 0.1;
    private static final double TEMPERATURE = 0.5;
    /** One noise draw's spread a channel: sigma * temperature. */
    private static final double DRAW = SIGMA * TEMPERATURE;

    private final NoiseGate gate = new NoiseGate(C, SIZE, SIZE, SIGMA, TEMPERATURE);

    @Test
    void aStillBackgroundUnderAThirdOfTheSamplingNoiseHoldsTheFirstFramesColoursExactly() {
        float[] clip = still(6, 0.3f, 0.3 * DRAW, new Random(1));
        float[] out = gate.apply(clip, null);
        for (int t = 1; t < 6; t++) {
            assertArrayEquals(frame(out, 0), frame(out, t), "frame " + t + " holds frame 0");
        }
        assertArrayEquals(frame(clip, 0), frame(out, 0), "the first frame, with nothing before it, is taken as it is");
    }

    @Test
    void theFirstFrameIsHeldAgainstTheFrameBeforeItWhenOneIsGiven() {
        float[] before = frame(still(1, -0.2f, 0, new Random(2)), 0);
        float[] out = gate.apply(still(3, -0.2f, 0.3 * DRAW, new Random(3)), before);
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(before, frame(out, t), "frame " + t + " continues the context's last frame");
        }
    }

    @Test
    void aMovingSquarePassesAsItWasMadeAndTheBackgroundFarFromItHolds() {
        Random rng = new Random(4);
        float[] clip = still(5, -0.6f, 0.3 * DRAW, rng);
        for (int t = 0; t < 5; t++) {
            paint(clip, t, t, 2, 0.8f);
        }
        float[] out = gate.apply(clip, null);
        for (int t = 1; t < 5; t++) {
            for (int y = 2; y < 5; y++) {
                for (int x = t; x < t + 3; x++) {
                    for (int c = 0; c < C; c++) {
                        int i = t * PLANE + c * SIZE * SIZE + y * SIZE + x;
                        assertEquals(clip[i], out[i], 1e-6, "the square's pixel (" + x + ", " + y + ") at frame " + t);
                    }
                }
            }
            // the bottom rows are two pixels or more from the square: plain, still background
            for (int i = 7 * SIZE; i < SIZE * SIZE; i++) {
                assertEquals(out[i], out[t * PLANE + i], 0, "background pixel " + i + " at frame " + t);
            }
        }
    }

    @Test
    void aChangeOfTwiceTheNoiseOrMorePassesWholeAndTheGateOpensGradually() {
        float[] at = new float[]{0, 1.5f, 2, 3};
        float[] passed = new float[at.length];
        for (int k = 0; k < at.length; k++) {
            // every channel of every pixel moves by the same step: the colour distance is step * sqrt(C)
            float step = (float) (at[k] * DRAW);
            float[] clip = new float[2 * PLANE];
            for (int i = PLANE; i < 2 * PLANE; i++) {
                clip[i] = step;
            }
            float[] out = gate.apply(clip, null);
            passed[k] = step == 0 ? 0 : out[PLANE] / step;
        }
        assertEquals(0, passed[0], 0);
        assertEquals(0.5, passed[1], 1e-4, "half open halfway between tau and 2 tau");
        assertEquals(1, passed[2], 1e-6);
        assertEquals(1, passed[3], 1e-6);
    }

    @Test
    void aFlowWithoutNoiseHoldsNothing() {
        float[] clip = still(3, 0.1f, 0.3 * DRAW, new Random(5));
        assertArrayEquals(clip, new NoiseGate(C, SIZE, SIZE, 0, TEMPERATURE).apply(clip, null));
    }

    @Test
    void partFramesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> gate.apply(new float[PLANE + 1], null));
        assertThrows(IllegalArgumentException.class, () -> gate.apply(new float[PLANE], new float[PLANE - 1]));
    }

    /** {@code frames} frames of one grey {@code level} with Gaussian noise of spread {@code noise} in every value. */
    private static float[] still(int frames, float level, double noise, Random rng) {
        float[] clip = new float[frames * PLANE];
        for (int i = 0; i < clip.length; i++) {
            clip[i] = (float) (level + noise * rng.nextGaussian());
        }
        return clip;
    }

    /** A 3x3 square of {@code level} with its top-left corner at (x, y) in frame t. */
    private static void paint(float[] clip, int t, int x, int y, float level) {
        for (int c = 0; c < C; c++) {
            for (int yy = y; yy < y + 3; yy++) {
                for (int xx = x; xx < x + 3; xx++) {
                    clip[t * PLANE + c * SIZE * SIZE + yy * SIZE + xx] = level;
                }
            }
        }
    }

    private static float[] frame(float[] clip, int t) {
        float[] f = new float[PLANE];
        System.arraycopy(clip, t * PLANE, f, 0, PLANE);
        return f;
    }
}
