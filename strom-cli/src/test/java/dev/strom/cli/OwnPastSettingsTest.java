package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.flow.train.TrainingObjective;
import dev.strom.video.Sampling;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which frames of a training clip the model makes itself before the true ones after them are scored. */
class OwnPastSettingsTest {

    private static ObjectNode train() {
        return new ObjectMapper().createObjectNode();
    }

    @Test
    void theModelsOwnFramesComeAfterATrueFrameAndBeforeOneAndCoverEveryPlace() {
        OwnPastSettings s = OwnPastSettings.of(train().put("own_past_share", 0.5).put("own_past_frames", 3));
        Sampling sampling = new Sampling(4f, 0.5f, Sampling.Inversion.JACOBI, true);
        Set<Integer> starts = new HashSet<>();
        Set<Integer> counts = new HashSet<>();
        Random rng = new Random(1);
        for (int i = 0; i < 2000; i++) {
            TrainingObjective.OwnPast own = s.draw(16, sampling, rng);
            assertTrue(own.from() >= 1 && own.to() <= 15 && own.count() <= 3, own.toString());
            assertEquals(4f, own.guidance());
            assertEquals(0.5f, own.temperature(), "made as the model's users make clips");
            starts.add(own.from());
            counts.add(own.count());
        }
        assertEquals(14, starts.size(), "frames 1..14 may each start it");
        assertEquals(Set.of(1, 2, 3), counts);
        TrainingObjective.OwnPast shortest = s.draw(3, sampling, rng);
        assertEquals(1, shortest.from());
        assertEquals(1, shortest.count(), "three frames: the true first and last around one of the model's own");
    }

    @Test
    void theLatestStartKeepsTheModelsOwnFramesAtTheOpening() {
        OwnPastSettings s = OwnPastSettings.of(train().put("own_past_share", 1.0).put("own_past_frames", 1).put("own_past_latest_start", 1));
        Random rng = new Random(2);
        for (int i = 0; i < 200; i++) {
            TrainingObjective.OwnPast own = s.draw(16, Sampling.FALLBACK, rng);
            assertEquals(1, own.from(), "the first step is the model's");
            assertEquals(1, own.count());
        }
        assertThrows(IllegalArgumentException.class, () -> OwnPastSettings.of(train().put("own_past_share", 0.5).put("own_past_latest_start", 0)));
    }

    @Test
    void theShareIsOfEachStepsWholeClipsAndAnyShareTakesAtLeastOne() {
        assertEquals(3, OwnPastSettings.of(train().put("own_past_share", 0.5)).clips(6));
        assertEquals(1, OwnPastSettings.of(train().put("own_past_share", 0.01)).clips(6));
        assertEquals(6, OwnPastSettings.of(train().put("own_past_share", 1.0)).clips(6));
        OwnPastSettings off = OwnPastSettings.of(train());
        assertFalse(off.on());
        assertEquals(0, off.clips(6));
        assertThrows(IllegalArgumentException.class, () -> OwnPastSettings.of(train().put("own_past_share", -0.1)));
        assertThrows(IllegalArgumentException.class, () -> OwnPastSettings.of(train().put("own_past_share", 0.5).put("own_past_frames", 0)));
    }
}
