package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The dynamics figures that need no model: whether the object is in the picture, and tracked direction counts. */
class DynamicsTest {

    private final CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);

    @Test
    void aRealClipShowsItsObjectInEveryFrameAndAnEmptyOneInNone() {
        Scene scene = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 3);
        Clip real = world.render(scene);
        Clip empty = world.render(new Scene(List.of(), Hue.BLUE));
        assertEquals(1.0, Dynamics.objectVisibleShare(List.of(real), List.of(scene.combo())));
        assertEquals(0.0, Dynamics.objectVisibleShare(List.of(empty), List.of(scene.combo())));
        assertEquals(0.5, Dynamics.objectVisibleShare(List.of(real, empty), List.of(scene.combo(), scene.combo())));
    }

    @Test
    void trackedDirectionCountsOnlyPromptsWithADirectionAndSplitsThemByKindAndLanguage() {
        Scene left = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 1);
        Scene up = world.scene(new Scene.Combo(Thing.STAR, Motion.UP, Hue.GREEN), 2);
        Scene spin = world.scene(new Scene.Combo(Thing.HEART, Motion.SPIN, Hue.GRAY), 3);
        Clip leftClip = world.render(left);
        List<Evaluation.Generated> g = List.of(
                new Evaluation.Generated(left.combo(), "p", false, leftClip, null),
                // asked to move up, shown moving left: wrong
                new Evaluation.Generated(up.combo(), "p", true, leftClip, null),
                new Evaluation.Generated(up.combo(), "p", true, world.render(up), null),
                new Evaluation.Generated(spin.combo(), "p", false, world.render(spin), null));
        Map<String, Double> t = Dynamics.tracked(g);
        assertEquals(3.0, t.get("of"), "spinning has no direction");
        assertEquals(2.0, t.get("right"));
        assertEquals(2.0, t.get("up_down_of"));
        assertEquals(1.0, t.get("up_down_right"));
        assertEquals(1.0, t.get("english_right"));
        assertEquals(1.0, t.get("german_right"));
    }
}
