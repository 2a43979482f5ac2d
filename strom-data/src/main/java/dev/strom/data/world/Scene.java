package dev.strom.data.world;

import java.util.List;

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
