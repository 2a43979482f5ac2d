package dev.strom.data;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.strom.data.NumberedClips.frames;
import static dev.strom.data.NumberedClips.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pause holds one frame of a clip for a few frames, then the clip runs on from where it stopped. */
class PauseTest {

    @Test
    void theFrameIsHeldThenTheClipRunsOnFromWhereItStopped() {
        assertArrayEquals(new int[]{0, 1, 2, 3, 3, 3, 4, 5}, frames(new Pause(3, 2).apply(numbered(8))));
        assertArrayEquals(new int[]{0, 0, 1, 2, 3, 4, 5, 6}, frames(new Pause(0, 1).apply(numbered(8))),
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
        assertThrows(IllegalArgumentException.class, () -> new Pause(8, 1).apply(numbered(8)));
    }
}
