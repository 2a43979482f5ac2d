package dev.strom.video;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which next frame the density prefers, given the frames so far: every candidate is read under the same noise
 * draws, so two equal candidates cost exactly the same and the differences between candidates are the reading.
 */
class NextFrameBitsTest {

    private static final int FRAMES = 4;
    private static final int SIZE = 4;

    @Test
    void equalCandidatesCostTheSameAndTheirBitsAreThoseOfTheFrameGivenThePast() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            int plane = model.spec().dims(1);
            float[] clip = eightBit(new Random(3), FRAMES * plane);
            float[] past = Arrays.copyOf(clip, 2 * plane);
            float[] truth = Arrays.copyOfRange(clip, 2 * plane, 3 * plane);
            float[] held = Arrays.copyOfRange(clip, plane, 2 * plane);
            double[] bits = model.likelihood().nextFrameBits(past, List.of(truth, held, truth.clone()), "a red apple", 2, 9);
            assertEquals(bits[0], bits[2], 1e-9, "the same frame under the same draws");
            assertTrue(bits[0] != bits[1], "another frame reads otherwise");
            assertTrue(bits[0] > 0, "bits of an 8-bit frame: " + bits[0]);
            double again = model.likelihood().nextFrameBits(past, List.of(truth), "a red apple", 2, 9)[0];
            assertEquals(bits[0], again, 1e-3 * bits[0], "a candidate's bits do not depend on the others asked");
        }
    }

    @Test
    void thePastMustLeaveRoomForTheNextFrameAndCandidatesMustBeWholeFrames() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            int plane = model.spec().dims(1);
            float[] frame = new float[plane];
            assertThrows(IllegalArgumentException.class,
                    () -> model.likelihood().nextFrameBits(new float[FRAMES * plane], List.of(frame), "x", 1, 0), "no room");
            assertThrows(IllegalArgumentException.class,
                    () -> model.likelihood().nextFrameBits(new float[plane], List.of(new float[plane + 1]), "x", 1, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> model.likelihood().nextFrameBits(new float[plane], List.of(frame), "x", 0, 0), "no draw");
        }
    }

    private static float[] eightBit(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(256) / 127.5f - 1;
        }
        return x;
    }
}
