package dev.strom.serve;

import dev.strom.video.VideoSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.function.Executable;

class OutputShapeTest {

    private final VideoSpec model = new VideoSpec(16, 32, 8);

    @Test
    void withoutSizeOrSecondsTheModelsOwnClipIsUpscaledEightTimes() {
        OutputShape shape = OutputShape.fit(model, null, null);
        assertEquals(16, shape.frames());
        assertEquals("2", shape.seconds());
        assertEquals("256x256", shape.size());
        assertTrue(shape.notes().isEmpty());
    }

    @Test
    void aWideSizeBecomesTheLargestSquareWithinItAndSaysSo() {
        OutputShape shape = OutputShape.fit(model, "1280x720", null);
        assertEquals("512x512", shape.size(), "720 / 32 = 22, capped at an upscale of 16");
        assertEquals(1, shape.notes().size());
        assertTrue(shape.notes().get(0).contains("requested 1280x720"));
    }

    @Test
    void aSquareMultipleOfTheNativeSizeIsDeliveredAsAsked() {
        OutputShape shape = OutputShape.fit(model, "128x128", null);
        assertEquals("128x128", shape.size());
        assertTrue(shape.notes().isEmpty());
    }

    @Test
    void secondsBecomeFramesAtTheModelsRate() {
        OutputShape shape = OutputShape.fit(model, null, "4");
        assertEquals(32, shape.frames());
        assertEquals("4", shape.seconds());
    }

    @Test
    void impossibleSizesAndLengthsAreRefusedNamingTheParameter() {
        assertEquals("size", param(() -> OutputShape.fit(model, "axb", null)));
        assertEquals("size", param(() -> OutputShape.fit(model, "0x10", null)));
        assertEquals("seconds", param(() -> OutputShape.fit(model, null, "13")));
        assertEquals("seconds", param(() -> OutputShape.fit(model, null, "two")));
    }

    private static String param(Executable call) {
        ApiError e = assertThrows(ApiError.class, call);
        assertEquals(400, e.status());
        return e.body(new ObjectMapper()).path("error").path("param").asText();
    }
}
