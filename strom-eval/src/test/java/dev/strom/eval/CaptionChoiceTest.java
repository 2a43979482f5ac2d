package dev.strom.eval;

import ai.djl.ndarray.NDManager;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.WorldDataset;
import dev.strom.store.ModelStore;
import dev.strom.video.VideoModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading held-out clips by likelihood, on the bundled model. */
class CaptionChoiceTest {

    private static final Path BUNDLED = Path.of(System.getProperty("strom.home", "..")).resolve("models").resolve("world-32");

    @Test
    void theBundledModelReadsTheBackgroundFromAnOpeningAndAnEditsResultFromItsFirstFrame() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = ModelStore.load(BUNDLED, m)) {
            var spec = model.spec();
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            Map<String, Double> r = CaptionChoice.measure(model, new WorldDataset(world, 4242), new EditPairs(world, 4242), 6, 1);
            assertEquals(1.0 / 9, r.get("motion_from_opening_chance"), 1e-9, "nine motions, one caption each");
            assertEquals(24.0, r.get("openings"));
            for (String k : new String[]{"motion_from_opening", "object_from_opening", "background_from_opening", "motion_from_continuation",
                        "edit_result_from_first_frame"}) {
                assertTrue(r.get(k) >= 0 && r.get(k) <= 1, k + " " + r.get(k));
            }
            assertTrue(r.get("background_from_opening") > 2 * r.get("background_from_opening_chance"), r.toString());
            assertTrue(r.get("edit_result_from_first_frame") > r.get("edit_result_from_first_frame_chance"), r.toString());
        }
    }

    @Test
    void readingNeedsAtLeastOneNoiseDraw() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptionChoice.measure(null, null, null, 0, 0));
        assertTrue(e.getMessage().contains("noise draw"), e.getMessage());
    }
}
