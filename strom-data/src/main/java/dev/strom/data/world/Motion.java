package dev.strom.data.world;

import java.util.Arrays;
import java.util.Locale;

/** How an object moves during a clip, with its words: English -ing and 3rd person, German verb + rest. */
public enum Motion {
    LEFT("moving left", "moves left", "bewegt sich", "nach links"),
    RIGHT("moving right", "moves right", "bewegt sich", "nach rechts"),
    UP("moving up", "moves up", "bewegt sich", "nach oben"),
    DOWN("moving down", "moves down", "bewegt sich", "nach unten"),
    BOUNCE("bouncing", "bounces", "hüpft", "auf und ab"),
    GROW("growing", "grows", "wird", "größer"),
    SHRINK("shrinking", "shrinks", "wird", "kleiner"),
    SPIN("spinning", "spins", "dreht sich", ""),
    STAY("staying still", "stays still", "bleibt", "stehen");

    final String ing;
    final String third;
    final String verb;
    final String rest;

    Motion(String ing, String third, String verb, String rest) {
        this.ing = ing;
        this.third = third;
        this.verb = verb;
        this.rest = rest;
    }

    /** The motion a train section names: its constant's name in any case ("left", "stay"). */
    public static Motion fromName(String name) {
        for (Motion m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown motion '" + name + "': use one of " + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    public String english() {
        return ing;
    }

    /** Position offset (dx, dy in frame units), scale and rotation at clip phase t in [0, 1]. */
    double[] pose(double t, double travel) {
        return switch (this) {
            case LEFT -> new double[]{-travel * t, 0, 1, 0};
            case RIGHT -> new double[]{travel * t, 0, 1, 0};
            case UP -> new double[]{0, -travel * t, 1, 0};
            case DOWN -> new double[]{0, travel * t, 1, 0};
            case BOUNCE -> new double[]{0, -0.28 * Math.abs(Math.sin(2 * Math.PI * t)), 1, 0};
            case GROW -> new double[]{0, 0, 0.55 + 0.9 * t, 0};
            case SHRINK -> new double[]{0, 0, 1.45 - 0.9 * t, 0};
            case SPIN -> new double[]{0, 0, 1, 2 * Math.PI * t};
            case STAY -> new double[]{0, 0, 1, 0};
        };
    }
}
