package dev.strom.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClipTest {

    /** A 2x1 clip whose frame t has the value first + t in every byte. */
    private static Clip counting(int first, int frames, double fps) {
        byte[] rgb = new byte[frames * 6];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (first + i / 6);
        }
        return new Clip(frames, 1, 2, fps, rgb);
    }

    @Test
    void joinedClipsPlayOneAfterAnother() {
        Clip joined = Clip.joined(List.of(counting(0, 3, 8), counting(3, 2, 8)));

        assertEquals(5, joined.frames());
        assertArrayEquals(counting(0, 5, 8).rgb(), joined.rgb());
        assertArrayEquals(counting(3, 2, 8).rgb(), joined.window(3, 2).rgb(), "a window of the join is the second clip");
    }

    @Test
    void clipsOfAnotherSizeOrFrameRateDoNotJoin() {
        assertThrows(IllegalArgumentException.class, () -> Clip.joined(List.of(counting(0, 2, 8), counting(0, 2, 12))));
        assertThrows(IllegalArgumentException.class, () -> Clip.joined(List.of(counting(0, 2, 8), new Clip(1, 2, 1, 8, new byte[6]))));
        assertThrows(IllegalArgumentException.class, () -> Clip.joined(List.of()));
    }
}
