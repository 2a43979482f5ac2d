package dev.strom.data.world;

import dev.strom.data.Clip;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shape drift stretches a clip's primary object out of shape over a few frames and back: before it starts and
 * after it ends the clip is the plain one, frame for frame.
 */
class ShapeDriftTest {

    private final CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);

    private static byte[] frame(Clip c, int t) {
        return Arrays.copyOfRange(c.rgb(), t * c.frameBytes(), (t + 1) * c.frameBytes());
    }

    /** Width and height of the pixels that differ from the top-left corner's colour in frame t. */
    private static int[] extent(Clip c, int t) {
        int x0 = Integer.MAX_VALUE, x1 = -1, y0 = Integer.MAX_VALUE, y1 = -1;
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                int d = 0;
                for (int k = 0; k < 3; k++) d += Math.abs(c.pixel(t, y, x, k) - c.pixel(t, 0, 0, k));
                if (d > 60) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return new int[]{x1 - x0 + 1, y1 - y0 + 1};
    }

    @Test
    void theObjectSlipsOutOfShapeAndBackWhileTheRestOfTheClipIsThePlainOne() {
        Scene scene = new WorldDataset(world, 3).training(11).scene();
        ShapeDrift drift = new ShapeDrift(4, 7, 10, 1.4, 0.6);
        Clip plain = world.render(scene);
        Clip drifting = world.render(scene, drift);
        for (int t : new int[]{0, 1, 2, 3, 4, 10, 11, 15}) {
            assertArrayEquals(frame(plain, t), frame(drifting, t), "frame " + t + " is outside the drift");
        }
        int[] own = extent(plain, 7);
        int[] peak = extent(drifting, 7);
        assertTrue(peak[0] > own[0] && peak[1] < own[1],
                "at its peak the object is wider and flatter: " + Arrays.toString(own) + " -> " + Arrays.toString(peak));
        assertEquals(1.0, drift.stretch(4)[0]);
        assertEquals(1.4, drift.stretch(7)[0], 1e-12);
        assertEquals(1 - 0.4 / 3, drift.stretch(9)[1], 1e-12, "a third of the way back from the peak before the end");
    }

    @Test
    void randomDriftsStartAfterTheFirstTwoFramesEndInsideTheClipAndAreNeverTooSlight() {
        Random rng = new Random(1);
        for (int i = 0; i < 500; i++) {
            ShapeDrift d = ShapeDrift.random(rng, 16);
            assertTrue(d.from() >= 2 && d.to() <= 15, d.toString());
            assertTrue(Math.max(Math.abs(d.stretchX() - 1), Math.abs(d.stretchY() - 1)) >= 0.15, d.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> ShapeDrift.random(rng, 6));
        assertThrows(IllegalArgumentException.class, () -> new ShapeDrift(3, 3, 5, 1.2, 1));
    }
}
