package dev.strom.video;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How many values a clip holds, and that a count too large for one array is refused, never wrapped. */
class VideoSpecTest {

    private final VideoSpec spec = new VideoSpec(16, 32, 8);

    @Test
    void aClipHoldsThreeChannelsOfSizeBySizeValuesPerFrame() {
        assertEquals(3072, spec.dims(1));
        assertEquals(256 * 3072, spec.dims(256));
    }

    @Test
    void aFrameCountWhoseSizeOverflowsIsRefusedRatherThanWrappingToANegativeSize() {
        // 2147483647 frames of 3072 values used to come out as -3072
        var e = assertThrows(IllegalArgumentException.class, () -> spec.dims(Integer.MAX_VALUE));
        assertEquals("2147483647 frames of 32x32 do not fit in one array", e.getMessage());
    }
}
