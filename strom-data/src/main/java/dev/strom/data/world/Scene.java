package dev.strom.data.world;

import java.util.List;
import java.util.ArrayList;

/**
 * The ground truth of one clip of the built-in world: its objects with their motions and where they
 * start, and the background.
 */
public record Scene(List<Actor> actors, Hue background) {

    /** One object in a scene: what, how it moves, where it starts (frame units), how big, how far it travels. */
    public record Actor(Thing thing, Motion motion, double x, double y, double size, double travel) {
    }

    public Actor primary() {
        return actors.get(0);
    }

    /** The same scene with its primary object moving another way (placement kept). */
    public Scene withPrimaryMotion(Motion m) {
        Actor a = primary();
        return withPrimary(new Actor(a.thing(), m, a.x(), a.y(), a.size(), a.travel()));
    }

    /** The same scene with another primary object (motion and placement kept). */
    public Scene withPrimaryThing(Thing t) {
        Actor a = primary();
        return withPrimary(new Actor(t, a.motion(), a.x(), a.y(), a.size(), a.travel()));
    }

    /** The same objects on another background. */
    public Scene withBackground(Hue bg) {
        return new Scene(actors, bg);
    }

    private Scene withPrimary(Actor a) {
        List<Actor> changed = new ArrayList<>(actors);
        changed.set(0, a);
        return new Scene(List.copyOf(changed), background);
    }

    /** The (object, motion, background) triple of the primary object. */
    public Combo combo() {
        return new Combo(primary().thing(), primary().motion(), background);
    }

    /** An attribute triple, used for held-out evaluation. */
    public record Combo(Thing thing, Motion motion, Hue background) {
        @Override
        public String toString() {
            return thing.english() + "/" + motion.name().toLowerCase() + "/" + background.english();
        }
    }
}
