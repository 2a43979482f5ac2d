package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a world clip's background, object colour and track straight from its pixels. */
class TemporalQualityTest {

    private final CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);

    @Test
    void everySceneIsReadAsItsBackgroundAndItsObjectsColour() {
        for (Hue bg : CaptionedWorld.BACKGROUNDS) {
            for (Thing thing : Thing.values()) {
                if (!CaptionedWorld.visible(thing, bg)) {
                    continue;
                }
                Clip clip = world.render(world.scene(new Scene.Combo(thing, Motion.BOUNCE, bg), thing.ordinal()));
                assertEquals(bg, TemporalQuality.backgroundHue(clip), thing + " on " + bg);
                assertEquals(thing.hue(), TemporalQuality.objectHue(clip), thing + " on " + bg);
            }
        }
    }

    @Test
    void theTrackFollowsTheNamedDirection() {
        double[][] expected = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        Motion[] motions = {Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN};
        for (int i = 0; i < motions.length; i++) {
            Clip clip = world.render(world.scene(new Scene.Combo(Thing.APPLE, motions[i], Hue.BLUE), 3));
            double[][] track = TemporalQuality.track(clip);
            for (int axis = 0; axis < 2; axis++) {
                double moved = track[clip.frames() - 1][axis] - track[0][axis];
                if (expected[i][axis] == 0) {
                    assertTrue(Math.abs(moved) < 1.5, motions[i] + " should not move on axis " + axis + ": " + moved);
                } else {
                    assertTrue(moved * expected[i][axis] > 8, motions[i] + " should move over 8 px on axis " + axis + ": " + moved);
                }
            }
        }
    }

    @Test
    void anEmptySceneHasNoObject() {
        Clip empty = world.render(new Scene(List.of(), Hue.GRAY));
        assertEquals(Hue.GRAY, TemporalQuality.backgroundHue(empty));
        assertNull(TemporalQuality.objectHue(empty));
        assertTrue(Double.isNaN(TemporalQuality.track(empty)[0][0]));
    }
}
