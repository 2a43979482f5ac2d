package dev.strom.eval;

import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.EditPairs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading an edit against the ground truth, as {@code strom eval} does for {@code strom edit}: the world's own
 * edited clip passes, the unedited source shows what must be kept but not the asked change.
 */
class EditGroundTruthTest {

    @Test
    void theWorldsOwnEditIsRightAndTheUneditedSourceKeepsButDoesNotChange() {
        EditPairs pairs = new EditPairs(new CaptionedWorld(32, 16, 8, 0), 4242);
        int objectEdits = 0;
        for (int i = 0; i < 12; i++) {
            EditPairs.Pair p = pairs.pair(i);
            assertTrue(EditGroundTruth.check(p.target(), p).right(), p.instruction());
            EditGroundTruth.Check source = EditGroundTruth.check(p.source(), p);
            assertFalse(source.changed(), "the source does not show the asked change: " + p.instruction());
            assertTrue(source.kept(), "the source shows what the edit must keep: " + p.instruction());
            objectEdits += p.change() == EditPairs.Change.OBJECT ? 1 : 0;
        }
        assertTrue(objectEdits > 0 && objectEdits < 12, "both kinds of edit are read");
    }
}
