package dev.strom.data.world;

import java.awt.Color;

/** Colours of objects and backgrounds, with their words in English and German. */
public enum Hue {
    RED("red", "rot", true, 220, 30, 30),
    YELLOW("yellow", "gelb", true, 250, 215, 40),
    PINK("pink", "rosa", false, 245, 120, 190),
    ORANGE("orange", "orange", false, 250, 140, 20),
    GREEN("green", "grün", true, 40, 160, 60),
    BLUE("blue", "blau", true, 40, 70, 210),
    WHITE("white", "weiß", true, 245, 245, 245),
    BROWN("brown", "braun", true, 140, 80, 40),
    BLACK("black", "schwarz", true, 12, 12, 12),
    GRAY("gray", "grau", true, 128, 128, 128),
    PURPLE("purple", "lila", false, 120, 50, 160);

    final String english;
    final String german;
    /** Whether the German adjective takes endings (rosa, orange and lila do not). */
    final boolean declines;
    private final int r;
    private final int g;
    private final int b;

    Hue(String english, String german, boolean declines, int r, int g, int b) {
        this.english = english;
        this.german = german;
        this.declines = declines;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public Color color() {
        return new Color(r, g, b);
    }

    public String english() {
        return english;
    }

    /** The German adjective with the given ending when it declines. */
    String german(String ending) {
        return declines ? german + ending : german;
    }
}
