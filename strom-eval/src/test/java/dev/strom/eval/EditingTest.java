package dev.strom.eval;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.EditPairs;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code strom edit} on clips of the built-in world (pairs from the evaluation's seed, never trained on), read
 * against the ground truth: the attribute the instruction names changes to the asked value, the other stays.
 */
class EditingTest {

    private static final Path BUNDLED = Path.of(System.getProperty("strom.home", "..")).resolve("models").resolve("world-32");
    private static final long EVAL_SEED = 4242;

    @Test
    void theGroundTruthCheckPassesTheWorldsOwnEditAndFailsTheUneditedSource() {
        EditPairs pairs = new EditPairs(new CaptionedWorld(32, 16, 8, 0), EVAL_SEED);
        for (int i = 0; i < 12; i++) {
            EditPairs.Pair p = pairs.pair(i);
            assertTrue(EditGroundTruth.check(p.target(), p).right(), p.instruction());
            EditGroundTruth.Check source = EditGroundTruth.check(p.source(), p);
            assertFalse(source.changed(), "the source does not show the asked change: " + p.instruction());
            assertTrue(source.kept(), "the source shows what the edit must keep: " + p.instruction());
        }
    }

    @Test
    void theBundledModelMakesTheAskedChangeAndKeepsTheRestInMostEdits() throws Exception {
        JsonNode sampling = ModelStore.readConfig(BUNDLED).path("strom").path("sampling");
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(BUNDLED, m)) {
            var spec = model.spec();
            EditPairs pairs = new EditPairs(new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0), EVAL_SEED);
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < EDITS; i++) {
                EditPairs.Pair p = pairs.pair(i);
                Clip edited = Evaluation.edited(model, p, 2000 + i, (float) sampling.path("cfg").asDouble(),
                        (float) sampling.path("temperature").asDouble());
                EditGroundTruth.Check c = EditGroundTruth.check(edited, p);
                if (!c.right()) {
                    wrong.add(p.instruction() + (c.changed() ? " (not kept)" : " (not changed)"));
                }
            }
            assertTrue(EDITS - wrong.size() >= RIGHT_AT_LEAST, (EDITS - wrong.size()) + " of " + EDITS + " right; wrong: " + wrong);
        }
    }

    private static final int EDITS = 8;
    private static final int RIGHT_AT_LEAST = 5;
}
