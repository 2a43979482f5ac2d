package dev.strom.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pause holds one frame of a clip for a few frames, then the clip runs on from where it stopped. */
class PauseTest {

    /** A clip whose frame t is filled with the value t. */
    private static Clip counting(int frames) {
        byte[] rgb = new byte[frames * 2 * 2 * 3];
        for (int t = 0; t < frames; t++) {
            Arrays.fill(rgb, t * 12, (t + 1) * 12, (byte) t);
        }
        return new Clip(frames, 2, 2, 8, rgb);
    }

    private static int[] shown(Clip c) {
        int[] out = new int[c.frames()];
        for (int t = 0; t < out.length; t++) {
            out[t] = c.pixel(t, 0, 0, 0);
        }
        return out;
    }

    @Test
    void theFrameIsHeldThenTheClipRunsOnFromWhereItStopped() {
        assertArrayEquals(new int[]{0, 1, 2, 3, 3, 3, 4, 5}, shown(new Pause(3, 2).apply(counting(8))));
        assertArrayEquals(new int[]{0, 0, 1, 2, 3, 4, 5, 6}, shown(new Pause(0, 1).apply(counting(8))),
                "a pause at the start: an opening that does not move yet");
    }

    @Test
    void aRandomPauseHoldsOneToThreeFramesAndLeavesMotionAfterIt() {
        Random rng = new Random(5);
        for (int i = 0; i < 200; i++) {
            Pause p = Pause.random(rng, 16);
            assertTrue(p.hold() >= 1 && p.hold() <= 3, p.toString());
            assertTrue(p.from() + p.hold() + 2 < 16, "two moving frames after " + p);
        }
        assertThrows(IllegalArgumentException.class, () -> Pause.random(rng, 5));
        assertThrows(IllegalArgumentException.class, () -> new Pause(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pause(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pause(8, 1).apply(counting(8)));
    }
}
