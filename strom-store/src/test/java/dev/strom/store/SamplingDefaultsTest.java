package dev.strom.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.video.Sampling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingDefaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aModelsSamplingDefaultsSayWhichMarkersItWasTrainedWith() throws Exception {
        Sampling s = ModelStore.sampling(JSON.readTree(
                "{\"strom\": {\"sampling\": {\"cfg\": 4.0, \"temperature\": 0.5, \"extend_marker\": true, \"edit_marker\": true}}}"));
        assertEquals(4f, s.guidance());
        assertEquals(0.5f, s.temperature());
        assertTrue(s.extendMarker());
        assertTrue(s.editMarker());
    }

    @Test
    void aModelSavedBeforeEditsKeptTheirMarkerIsGuidedAsItWasTrained() throws Exception {
        Sampling s = ModelStore.sampling(JSON.readTree("{\"strom\": {\"sampling\": {\"cfg\": 4.0}}}"));
        assertFalse(s.editMarker());
        assertFalse(s.extendMarker());
        assertEquals(Sampling.FALLBACK.temperature(), s.temperature());
    }
}
