package dev.strom.video;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An edit is laid out in one window as its source then its result (STARFlow-V's v2v scheme): training, sampling
 * and reading all start the result after half a training window, and only where every caption is an edit
 * instruction.
 */
class EditLayoutTest {

    @Test
    void clipsReadUnderEditInstructionsHaveTheirResultAfterHalfAWindow() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 8, 8)) {
            String edit = Generation.editCaption("make the apple a fish");
            assertEquals(4, model.editSourceFrames());
            assertEquals(4, model.editFrom(List.of(edit, Generation.editCaption("make the ground green")), 8));
            assertEquals(4, model.editFrom(List.of(edit), 5), "the source and the result's first frame");
        }
    }

    @Test
    void anyOtherClipIsNoEdit() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 8, 8)) {
            String edit = Generation.editCaption("make the apple a fish");
            assertEquals(0, model.editFrom(List.of("a red apple moving left"), 8));
            assertEquals(0, model.editFrom(List.of(edit, "a red apple moving left"), 8), "a mixed batch is not an edit's");
            assertEquals(0, model.editFrom(List.of(edit), 4), "the source alone has no result");
            assertEquals(0, model.editFrom(List.of(), 8));
        }
    }
}
