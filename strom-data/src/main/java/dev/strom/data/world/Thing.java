package dev.strom.data.world;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/** The objects of the built-in world: a name in English and German, a colour, and a drawing in a unit box. */
public enum Thing {
    APPLE("apple", "Apfel", Genus.M, Hue.RED),
    STAR("star", "Stern", Genus.M, Hue.YELLOW),
    HEART("heart", "Herz", Genus.N, Hue.PINK),
    FISH("fish", "Fisch", Genus.M, Hue.ORANGE),
    TREE("tree", "Baum", Genus.M, Hue.GREEN),
    CAR("car", "Auto", Genus.N, Hue.BLUE),
    MOON("moon", "Mond", Genus.M, Hue.WHITE),
    HOUSE("house", "Haus", Genus.N, Hue.BROWN);

    /** German grammatical gender, for articles and adjective endings. */
    public enum Genus { M, N }

    final String english;
    final String german;
    final Genus genus;
    final Hue hue;

    Thing(String english, String german, Genus genus, Hue hue) {
        this.english = english;
        this.german = german;
        this.genus = genus;
        this.hue = hue;
    }

    public String english() {
        return english;
    }

    public String german() {
        return german;
    }

    public Hue hue() {
        return hue;
    }

    /** Draws the object centred at the origin, about one unit across. */
    void draw(Graphics2D g) {
        Color c = hue.color();
        switch (this) {
            case APPLE -> {
                g.setColor(c);
                g.fill(new Ellipse2D.Double(-0.42, -0.34, 0.84, 0.8));
                g.setColor(new Color(110, 60, 20));
                g.fill(new Rectangle2D.Double(-0.04, -0.5, 0.08, 0.2));
                g.setColor(new Color(40, 170, 40));
                g.fill(new Ellipse2D.Double(0.02, -0.5, 0.28, 0.14));
            }
            case STAR -> {
                Path2D p = new Path2D.Double();
                for (int i = 0; i < 10; i++) {
                    double r = i % 2 == 0 ? 0.52 : 0.21;
                    double a = -Math.PI / 2 + i * Math.PI / 5;
                    if (i == 0) p.moveTo(r * Math.cos(a), r * Math.sin(a)); else p.lineTo(r * Math.cos(a), r * Math.sin(a));
                }
                p.closePath();
                g.setColor(c);
                g.fill(p);
            }
            case HEART -> {
                Area a = new Area(new Ellipse2D.Double(-0.46, -0.4, 0.5, 0.5));
                a.add(new Area(new Ellipse2D.Double(-0.04, -0.4, 0.5, 0.5)));
                Path2D tip = new Path2D.Double();
                tip.moveTo(-0.44, -0.05);
                tip.lineTo(0.44, -0.05);
                tip.lineTo(0, 0.48);
                tip.closePath();
                a.add(new Area(tip));
                g.setColor(c);
                g.fill(a);
            }
            case FISH -> {
                g.setColor(c);
                g.fill(new Ellipse2D.Double(-0.42, -0.24, 0.7, 0.48));
                Path2D tail = new Path2D.Double();
                tail.moveTo(0.2, 0);
                tail.lineTo(0.5, -0.26);
                tail.lineTo(0.5, 0.26);
                tail.closePath();
                g.fill(tail);
                g.setColor(Color.BLACK);
                g.fill(new Ellipse2D.Double(-0.3, -0.1, 0.1, 0.1));
            }
            case TREE -> {
                g.setColor(new Color(110, 60, 20));
                g.fill(new Rectangle2D.Double(-0.08, 0.15, 0.16, 0.35));
                Path2D crown = new Path2D.Double();
                crown.moveTo(0, -0.52);
                crown.lineTo(0.38, 0.2);
                crown.lineTo(-0.38, 0.2);
                crown.closePath();
                g.setColor(c);
                g.fill(crown);
            }
            case CAR -> {
                g.setColor(c);
                g.fill(new Rectangle2D.Double(-0.5, -0.08, 1.0, 0.3));
                g.fill(new Rectangle2D.Double(-0.26, -0.3, 0.5, 0.24));
                g.setColor(Color.BLACK);
                g.fill(new Ellipse2D.Double(-0.38, 0.12, 0.22, 0.22));
                g.fill(new Ellipse2D.Double(0.16, 0.12, 0.22, 0.22));
            }
            case MOON -> {
                Area a = new Area(new Ellipse2D.Double(-0.45, -0.45, 0.9, 0.9));
                a.subtract(new Area(new Ellipse2D.Double(-0.2, -0.55, 0.85, 0.85)));
                g.setColor(c);
                g.fill(a);
            }
            case HOUSE -> {
                g.setColor(c);
                g.fill(new Rectangle2D.Double(-0.36, -0.05, 0.72, 0.52));
                Path2D roof = new Path2D.Double();
                roof.moveTo(-0.48, -0.02);
                roof.lineTo(0, -0.5);
                roof.lineTo(0.48, -0.02);
                roof.closePath();
                g.setColor(new Color(200, 30, 30));
                g.fill(roof);
                g.setColor(new Color(250, 230, 120));
                g.fill(new Rectangle2D.Double(-0.08, 0.2, 0.16, 0.27));
            }
        }
    }
}
