package dev.strom.video;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingTest {

    private static final Sampling PLAIN = new Sampling(4f, 0.5f, Sampling.Inversion.JACOBI, true);

    @Test
    void anEditOfAModelTrainedWithMarkedEditsIsGuidedAwayFromTheMarkerAloneAndEverythingElseFromTheEmptyCaption() {
        Sampling marked = PLAIN.withEditMarker(true);
        assertEquals(Generation.EDIT_MARKER, marked.unconditionalCaption(Generation.Mode.EDIT));
        for (Generation.Mode mode : Generation.Mode.values()) {
            if (mode != Generation.Mode.EDIT) {
                assertEquals("", marked.unconditionalCaption(mode), mode + " is no edit");
            }
            assertEquals("", PLAIN.unconditionalCaption(mode), "a model trained before the marker was kept: " + mode);
        }
    }

    @Test
    void theMarkerIsAPropertyOfTheModelThatARequestsSettingsKeep() {
        Sampling marked = PLAIN.withEditMarker(true);
        assertTrue(marked.withGuidance(2f).withTemperature(1f).withDenoise(false).withExtendMarker(true)
                .withInversion(Sampling.Inversion.SEQUENTIAL).editMarker());
    }
}
