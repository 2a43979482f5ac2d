package dev.strom.data.world;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

/** Editing examples change exactly one thing, keep placement and motion, and say what they change. */
class EditPairsTest {

    private final EditPairs pairs = new EditPairs(new CaptionedWorld(32, 16, 8, 0), 3);

    @Test
    void eachPairChangesOneAttributeAndTheInstructionNamesTheNewOne() {
        int objects = 0;
        int german = 0;
        for (int i = 0; i < 200; i++) {
            EditPairs.Pair p = pairs.pair(i);
            Scene.Combo before = p.before().combo();
            Scene.Combo after = p.after().combo();
            assertEquals(before.motion(), after.motion(), "motion is kept");
            assertEquals(p.before().primary().x(), p.after().primary().x(), "placement is kept");
            assertFalse(CaptionedWorld.HELD_OUT.contains(before) || CaptionedWorld.HELD_OUT.contains(after));
            assertTrue(CaptionedWorld.visible(after.thing(), after.background()));
            String words = p.instruction();
            if (p.change() == EditPairs.Change.OBJECT) {
                objects++;
                assertEquals(before.background(), after.background());
                assertNotEquals(before.thing(), after.thing());
                assertTrue(words.contains(p.german() ? after.thing().german() : after.thing().english()), words);
            } else {
                assertEquals(before.thing(), after.thing());
                assertNotEquals(before.background(), after.background());
                assertTrue(words.contains(p.german() ? after.background().german : after.background().english()), words);
            }
            german += p.german() ? 1 : 0;
            assertFalse(Arrays.equals(p.source().rgb(), p.target().rgb()), "the clips differ");
        }
        assertTrue(objects > 60 && objects < 140, "both kinds of change are common: " + objects + " of 200 change the object");
        assertTrue(german > 60 && german < 140, "both languages are common: " + german + " of 200 German");
    }

    @Test
    void theSameIndexGivesTheSameExample() {
        EditPairs again = new EditPairs(new CaptionedWorld(32, 16, 8, 0), 3);
        assertEquals(pairs.pair(17).instruction(), again.pair(17).instruction());
        assertTrue(Arrays.equals(pairs.pair(17).target().rgb(), again.pair(17).target().rgb()));
        assertEquals("turn the apple into a star", EditPairs.instruction(
                new Scene(List.of(new Scene.Actor(Thing.APPLE, Motion.LEFT, .5, .5, .4, .4)), Hue.BLUE),
                new Scene(List.of(new Scene.Actor(Thing.STAR, Motion.LEFT, .5, .5, .4, .4)), Hue.BLUE),
                EditPairs.Change.OBJECT, false, 0));
    }

    @Test
    void wrongInstructionsAskForOtherResultsInTheSameWords() {
        for (int i = 0; i < 40; i++) {
            EditPairs.Pair p = pairs.pair(i);
            List<String> wrong = p.wrongInstructions(3, new Random(i));
            assertEquals(3, wrong.size());
            assertEquals(3, new HashSet<>(wrong).size(), "distinct: " + wrong);
            for (String w : wrong) {
                assertFalse(w.equals(p.instruction()), "never the true instruction: " + w);
                // same template and language: the words before the named result agree
                String head = p.instruction().substring(0, p.instruction().lastIndexOf(' '));
                String wHead = w.substring(0, w.lastIndexOf(' '));
                if (p.change() == EditPairs.Change.BACKGROUND) {
                    assertEquals(head, wHead, w + " vs " + p.instruction());
                } else {
                    assertEquals(p.instruction().split(" ")[0], w.split(" ")[0], w + " vs " + p.instruction());
                }
            }
        }
    }
}
