package dev.strom.data.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Captions for scenes from varied templates, in English and German (with correct adjective endings). */
public final class Captions {

    private Captions() {
    }

    /** A caption in German or English, its template drawn by {@code rng}. */
    public static String of(Scene s, boolean german, Random rng) {
        return german ? german(s, rng) : english(s, rng);
    }

    public static String english(Scene s, Random rng) {
        List<String> parts = new ArrayList<>();
        int template = rng.nextInt(4);
        for (Scene.Actor a : s.actors()) {
            String color = a.thing().hue().english();
            String noun = a.thing().english();
            parts.add(switch (template) {
                case 0, 2 -> article(color) + " " + color + " " + noun + " " + a.motion().ing;
                case 1 -> article(color) + " " + color + " " + noun + " " + a.motion().third;
                default -> "the " + noun + " " + a.motion().third;
            });
        }
        String who = String.join(" and ", parts);
        String bg = s.background().english();
        return switch (template) {
            case 0, 1 -> who + " on a " + bg + " background";
            case 2 -> bg + " background, " + who;
            default -> who + " over a " + bg + " background";
        };
    }

    static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    public static String german(Scene s, Random rng) {
        int template = rng.nextInt(3);
        String bg = "auf " + s.background().german("em") + " Hintergrund";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.actors().size(); i++) {
            Scene.Actor a = s.actors().get(i);
            boolean masc = a.thing().genus == Thing.Genus.M;
            String adj = a.thing().hue().german(masc ? "er" : "es");
            String noun = a.thing().german();
            String rest = a.motion().rest.isEmpty() ? "" : " " + a.motion().rest;
            if (template == 1 && i == 0) {
                // Verb second: "auf blauem Hintergrund bewegt sich ein roter Apfel nach links"
                parts.add(a.motion().verb + " ein " + adj + " " + noun + rest);
            } else if (template == 2) {
                parts.add((masc ? "der " : "das ") + noun + " " + a.motion().verb + rest);
            } else {
                parts.add("ein " + adj + " " + noun + " " + a.motion().verb + rest);
            }
        }
        String who = String.join(" und ", parts);
        return template == 1 ? bg + " " + who : who + " " + bg;
    }
}
