package dev.strom.eval;

import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Scene;
import dev.strom.data.Clip;

/**
 * An edit of a built-in-world clip read against what the world says it should show: the hue of the clip's most
 * common colour (its background) and the hue the object is painted in, beside those of the pair's edited scene.
 * Every object of the world has its own hue, so the hues tell an object edit as well as a background edit.
 */
public final class EditGroundTruth {

    /**
     * @param changed whether the attribute the instruction names shows the asked value
     * @param kept    whether the attribute it does not name still shows the source's value
     */
    public record Check(boolean changed, boolean kept) {

        /**
         * Whichever way the attributes were read: whether the object, and the background, show what the pair's
         * edited scene shows, sorted into the asked change and the rest by what the pair changes.
         */
        public static Check of(EditPairs.Pair pair, boolean objectAsEdited, boolean backgroundAsEdited) {
            return pair.change() == EditPairs.Change.OBJECT
                    ? new Check(objectAsEdited, backgroundAsEdited)
                    : new Check(backgroundAsEdited, objectAsEdited);
        }

        /** The whole edit is right: the asked change made, the rest kept. */
        public boolean right() {
            return changed && kept;
        }
    }

    private EditGroundTruth() {
    }

    public static Check check(Clip edited, EditPairs.Pair pair) {
        Scene.Combo after = pair.after().combo();
        return Check.of(pair, TemporalQuality.objectHue(edited) == after.thing().hue(),
                TemporalQuality.backgroundHue(edited) == after.background());
    }
}
