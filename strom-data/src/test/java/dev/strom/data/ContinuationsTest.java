package dev.strom.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static dev.strom.data.NumberedClips.frames;
import static dev.strom.data.NumberedClips.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Wrong ways for a clip to go on: each keeps the given frames and changes what follows, the way its name says. */
class ContinuationsTest {

    @Test
    void heldKeepsTheLastGivenFrame() {
        assertArrayEquals(new int[]{0, 1, 2, 2, 2, 2}, frames(Continuations.held(numbered(6), 3)));
    }

    @Test
    void reversedRunsBackFromTheLastGivenFrameAndStopsAtTheFirst() {
        assertArrayEquals(new int[]{0, 1, 2, 1, 0, 0}, frames(Continuations.reversed(numbered(6), 3)));
    }

    @Test
    void atAnotherSpeedTheMotionAfterTheGivenFramesRunsFasterOrSlowerAndHoldsAtTheEnd() {
        Clip clip = numbered(12);
        assertArrayEquals(new int[]{2, 3, 4, 6, 8, 10}, frames(Continuations.atSpeed(clip, 2, 6, 3, 2)));
        assertArrayEquals(new int[]{2, 3, 4, 5, 5, 6}, frames(Continuations.atSpeed(clip, 2, 6, 3, 0.5)));
        assertArrayEquals(new int[]{7, 8, 10, 11, 11}, frames(Continuations.atSpeed(clip, 7, 5, 2, 2)), "held at the clip's end");
    }

    @Test
    void shuffledKeepsTheGivenFramesAndNeverThePlainOrder() {
        Random rng = new Random(4);
        for (int i = 0; i < 20; i++) {
            int[] f = frames(Continuations.shuffled(numbered(5), 3, rng));
            assertArrayEquals(new int[]{0, 1, 2}, new int[]{f[0], f[1], f[2]});
            assertEquals(4, f[3], "two later frames have one other order");
            assertEquals(3, f[4]);
        }
    }

    @Test
    void shuffledNeverStartsWithTheTrueNextFrameSoReadingOnlyThatFrameCannotTie() {
        Random rng = new Random(5);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int[] f = frames(Continuations.shuffled(numbered(8), 2, rng));
            assertNotEquals(2, f[2], "the frame after the given ones is never the true one");
            seen.add(f[2]);
        }
        assertEquals(Set.of(3, 4, 5, 6, 7), seen, "any other later frame can come next");
    }

    @Test
    void spliceTakesTheOtherClipAfterTheGivenFrames() {
        Clip a = numbered(4);
        byte[] rgb = new byte[4 * 3];
        Arrays.fill(rgb, (byte) 9);
        assertArrayEquals(new int[]{0, 9, 9, 9}, frames(Continuations.splice(a, new Clip(4, 1, 1, 8, rgb), 1)));
    }

    @Test
    void smearedKeepsTheObjectWhereverItWasSinceTheLastGivenFrame() {
        // a 1x4 clip of one bright pixel moving right over black, one place a frame
        byte[] rgb = new byte[4 * 4 * 3];
        for (int t = 0; t < 4; t++) {
            Arrays.fill(rgb, (t * 4 + t) * 3, (t * 4 + t) * 3 + 3, (byte) 200);
        }
        Clip moving = new Clip(4, 1, 4, 8, rgb);
        Clip empty = new Clip(4, 1, 4, 8, new byte[4 * 4 * 3]);

        Clip smeared = Continuations.smeared(moving, empty, 2);

        int[][] lit = new int[4][4];
        for (int t = 0; t < 4; t++) {
            for (int x = 0; x < 4; x++) {
                lit[t][x] = smeared.pixel(t, 0, x, 0) == 200 ? 1 : 0;
            }
        }
        assertArrayEquals(new int[]{1, 0, 0, 0}, lit[0], "given frames as they were");
        assertArrayEquals(new int[]{0, 1, 0, 0}, lit[1]);
        assertArrayEquals(new int[]{0, 1, 1, 0}, lit[2], "where it is and where it was in the last given frame");
        assertArrayEquals(new int[]{0, 1, 1, 1}, lit[3], "the whole way since");
    }

    @Test
    void somethingMustBeGivenAndSomethingLeftToContinue() {
        assertThrows(IllegalArgumentException.class, () -> Continuations.held(numbered(4), 0));
        assertThrows(IllegalArgumentException.class, () -> Continuations.held(numbered(4), 4));
    }
}
