package dev.strom.data.world;

import dev.strom.data.Clip;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Strom's built-in dataset: one or two named objects moving in described ways on a plain coloured
 * background, drawn with Java2D, captioned in English and German. Everything follows from a seed, so
 * the dataset needs no files and is the same on every machine. A fixed list of (object, motion,
 * background) triples never appears in training and is kept for evaluation.
 */
public final class CaptionedWorld {

    /** Backgrounds a scene can have. */
    public static final List<Hue> BACKGROUNDS = List.of(Hue.BLUE, Hue.GREEN, Hue.BLACK, Hue.WHITE, Hue.GRAY, Hue.PURPLE);

    /** Triples held out of training, for measuring generalisation to unseen combinations. */
    public static final Set<Scene.Combo> HELD_OUT = Set.of(
            new Scene.Combo(Thing.STAR, Motion.UP, Hue.GREEN),
            new Scene.Combo(Thing.FISH, Motion.LEFT, Hue.BLACK),
            new Scene.Combo(Thing.HEART, Motion.SPIN, Hue.GRAY),
            new Scene.Combo(Thing.TREE, Motion.BOUNCE, Hue.PURPLE),
            new Scene.Combo(Thing.CAR, Motion.RIGHT, Hue.WHITE),
            new Scene.Combo(Thing.MOON, Motion.DOWN, Hue.BLUE),
            new Scene.Combo(Thing.HOUSE, Motion.GROW, Hue.BLACK),
            new Scene.Combo(Thing.APPLE, Motion.SHRINK, Hue.GREEN),
            new Scene.Combo(Thing.STAR, Motion.RIGHT, Hue.PURPLE),
            new Scene.Combo(Thing.FISH, Motion.STAY, Hue.WHITE),
            new Scene.Combo(Thing.HEART, Motion.DOWN, Hue.BLUE),
            new Scene.Combo(Thing.APPLE, Motion.UP, Hue.GRAY));

    private static final int SUPERSAMPLE = 4;
    /** Where an object's centre may go in a world of speeds that keeps objects in the picture: [0.15, 0.85]. */
    private static final double IN_FRAME_LOW = 0.15;
    private static final double IN_FRAME_SPAN = 0.7;

    private final int size;
    private final int frames;
    private final double fps;
    private final double twoObjectShare;
    /** Pixels per frame an object moving left, right, up or down covers, [min, max]; null for the classic world. */
    private final double[] speeds;
    /** With speeds: whether every moving object stays in the picture (its centre within the middle 70 %). */
    private final boolean inFrame;
    /** The motions training scenes draw from, in this order. */
    private final List<Motion> motions;

    public CaptionedWorld(int size, int frames, double fps, double twoObjectShare) {
        this(size, frames, fps, twoObjectShare, null, false, List.of(Motion.values()));
    }

    private CaptionedWorld(int size, int frames, double fps, double twoObjectShare, double[] speeds, boolean inFrame,
                           List<Motion> motions) {
        if (size < 8 || frames < 1 || !(fps > 0)) {
            throw new IllegalArgumentException("world clips need size >= 8, frames >= 1, fps > 0");
        }
        this.size = size;
        this.frames = frames;
        this.fps = fps;
        this.twoObjectShare = twoObjectShare;
        this.speeds = speeds;
        this.inFrame = inFrame;
        this.motions = motions;
    }

    /**
     * The same world with objects that move left, right, up or down at a speed drawn per clip from
     * [{@code minPx}, {@code maxPx}] pixels a frame, starting anywhere along their way and free to leave the
     * picture. The classic world (about 0.8-1.1 px a frame, always in frame) teaches little about speed: a clip's
     * velocity is nearly fixed by its caption, so reading it off the frames never pays.
     */
    public CaptionedWorld withSpeeds(double minPx, double maxPx) {
        return speeds(minPx, maxPx, false);
    }

    /**
     * As {@link #withSpeeds}, but every object stays in the picture: its centre keeps within the middle 70 % of the
     * frame, so a speed is drawn only up to what crosses that in one clip (1.49 px a frame at 16 frames of 32 px,
     * 3.2 at 8), and the start is drawn where the whole way fits. A world whose objects run out of the picture
     * teaches a density that objects vanish.
     */
    public CaptionedWorld withSpeedsInFrame(double minPx, double maxPx) {
        return speeds(minPx, maxPx, true);
    }

    private CaptionedWorld speeds(double minPx, double maxPx, boolean stay) {
        if (!(minPx > 0) || !(maxPx >= minPx)) {
            throw new IllegalArgumentException("speeds need 0 < min <= max, got " + minPx + ".." + maxPx);
        }
        return new CaptionedWorld(size, frames, fps, twoObjectShare, new double[]{minPx, maxPx}, stay, motions);
    }

    /** The same world with clips of another length. */
    public CaptionedWorld withFrames(int n) {
        return new CaptionedWorld(size, n, fps, twoObjectShare, speeds, inFrame, motions);
    }

    /**
     * The same world whose training scenes move only in these ways (a smaller world, for telling whether a recipe
     * fails for want of capacity); scenes of a given triple are unchanged.
     */
    public CaptionedWorld withMotions(List<Motion> only) {
        if (only.isEmpty() || new HashSet<>(only).size() != only.size()) {
            throw new IllegalArgumentException("motions must be distinct and at least one, got " + only);
        }
        return new CaptionedWorld(size, frames, fps, twoObjectShare, speeds, inFrame, List.copyOf(only));
    }

    /** The motions training scenes draw from. */
    public List<Motion> motions() {
        return motions;
    }

    public int size() {
        return size;
    }

    public int frames() {
        return frames;
    }

    public double fps() {
        return fps;
    }

    /** Whether a triple may be drawn: the object must not vanish into a background of its own colour. */
    public static boolean visible(Thing thing, Hue background) {
        return thing.hue() != background;
    }

    /** The scene with its primary object moving each other way, in the order of {@link Motion#values()}. */
    public static List<Scene> otherMotions(Scene s) {
        List<Scene> out = new ArrayList<>();
        for (Motion m : Motion.values()) {
            if (m != s.primary().motion()) {
                out.add(s.withPrimaryMotion(m));
            }
        }
        return out;
    }

    /** The scene with each other object in its primary object's place that stays visible on its background. */
    public static List<Scene> otherObjects(Scene s) {
        List<Scene> out = new ArrayList<>();
        for (Thing t : Thing.values()) {
            if (t != s.primary().thing() && visible(t, s.background())) {
                out.add(s.withPrimaryThing(t));
            }
        }
        return out;
    }

    /** The scene on each other background on which all its objects stay visible, in the order of {@link #BACKGROUNDS}. */
    public static List<Scene> otherBackgrounds(Scene s) {
        List<Scene> out = new ArrayList<>();
        for (Hue bg : BACKGROUNDS) {
            if (bg != s.background() && s.actors().stream().allMatch(a -> visible(a.thing(), bg))) {
                out.add(s.withBackground(bg));
            }
        }
        return out;
    }

    /** A training scene: random, never a held-out triple. */
    public Scene trainingScene(long seed) {
        Random rng = new Random(seed);
        while (true) {
            Scene s = randomScene(rng, null);
            if (s.actors().stream().noneMatch(a -> HELD_OUT.contains(new Scene.Combo(a.thing(), a.motion(), s.background())))) {
                return s;
            }
        }
    }

    /** A scene of exactly this triple, one object, placement from the seed. */
    public Scene scene(Scene.Combo combo, long seed) {
        return randomScene(new Random(seed), combo);
    }

    private Scene randomScene(Random rng, Scene.Combo fixed) {
        Hue bg;
        List<Scene.Actor> actors = new ArrayList<>();
        if (fixed != null) {
            bg = fixed.background();
            actors.add(actor(rng, fixed.thing(), fixed.motion(), 0.5));
        } else {
            do {
                bg = BACKGROUNDS.get(rng.nextInt(BACKGROUNDS.size()));
                actors.clear();
                Thing t = Thing.values()[rng.nextInt(Thing.values().length)];
                Motion m = motions.get(rng.nextInt(motions.size()));
                boolean two = rng.nextDouble() < twoObjectShare;
                actors.add(actor(rng, t, m, two ? 0.3 : 0.5));
                if (two) {
                    Thing t2;
                    do {
                        t2 = Thing.values()[rng.nextInt(Thing.values().length)];
                    } while (t2 == t);
                    Motion m2 = motions.get(rng.nextInt(motions.size()));
                    actors.add(actor(rng, t2, m2, 0.7));
                }
            } while (!allVisible(actors, bg));
        }
        return new Scene(List.copyOf(actors), bg);
    }

    private static boolean allVisible(List<Scene.Actor> actors, Hue bg) {
        return actors.stream().allMatch(a -> visible(a.thing(), bg));
    }

    /**
     * Placement so the whole motion stays in frame (unless the world has {@link #withSpeeds speeds}); lane is the
     * preferred centre across the motion.
     */
    private Scene.Actor actor(Random rng, Thing t, Motion m, double lane) {
        double sz = 0.34 + 0.1 * rng.nextDouble();
        double travel = 0.38 + 0.12 * rng.nextDouble();
        double jitter = (rng.nextDouble() - 0.5) * 0.1;
        double x = lane + jitter;
        double y = 0.5 + (rng.nextDouble() - 0.5) * 0.16;
        switch (m) {
            case LEFT -> { x = 0.5 + travel / 2 + jitter * 0.3; y = lane + jitter; }
            case RIGHT -> { x = 0.5 - travel / 2 + jitter * 0.3; y = lane + jitter; }
            case UP -> y = 0.5 + travel / 2 + jitter * 0.3;
            case DOWN -> y = 0.5 - travel / 2 + jitter * 0.3;
            case BOUNCE -> y = 0.68 + jitter * 0.3;
            default -> { }
        }
        if (speeds != null && (m == Motion.LEFT || m == Motion.RIGHT || m == Motion.UP || m == Motion.DOWN)) {
            // drawn after the classic placement, so the classic world's draws stay as they were
            int steps = Math.max(1, frames - 1);
            double fastest = inFrame ? Math.min(speeds[1], IN_FRAME_SPAN * size / steps) : speeds[1];
            double slowest = Math.min(speeds[0], fastest);
            double pxPerFrame = slowest + (fastest - slowest) * rng.nextDouble();
            travel = pxPerFrame * steps / size;
            double start = 0.25 + 0.5 * rng.nextDouble();
            if (inFrame) {
                // where the whole way fits: objects moving left or up start at least their travel from the low edge
                boolean back = m == Motion.LEFT || m == Motion.UP;
                double low = IN_FRAME_LOW + (back ? travel : 0);
                double high = IN_FRAME_LOW + IN_FRAME_SPAN - (back ? 0 : travel);
                start = low + (high - low) * rng.nextDouble();
            }
            if (m == Motion.LEFT || m == Motion.RIGHT) {
                x = start;
            } else {
                y = start;
            }
        }
        return new Scene.Actor(t, m, x, y, sz, travel);
    }

    /** Draws the scene's frames. */
    public Clip render(Scene scene) {
        return render(scene, null);
    }

    /** Draws the scene's frames with its primary object drifting out of shape and back (null: keeping it). */
    public Clip render(Scene scene, ShapeDrift drift) {
        int big = size * SUPERSAMPLE;
        byte[] rgb = new byte[frames * size * size * 3];
        BufferedImage img = new BufferedImage(big, big, BufferedImage.TYPE_INT_RGB);
        for (int f = 0; f < frames; f++) {
            double t = frames == 1 ? 0 : (double) f / (frames - 1);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(scene.background().color());
            g.fillRect(0, 0, big, big);
            for (Scene.Actor a : scene.actors()) {
                double[] pose = a.motion().pose(t, a.travel());
                double[] stretch = drift != null && a == scene.primary() ? drift.stretch(f) : new double[]{1, 1};
                AffineTransform saved = g.getTransform();
                g.translate((a.x() + pose[0]) * big, (a.y() + pose[1]) * big);
                g.rotate(pose[3]);
                double s = a.size() * pose[2] * big;
                g.scale(s * stretch[0], s * stretch[1]);
                a.thing().draw(g);
                g.setTransform(saved);
            }
            g.dispose();
            downsample(img, rgb, f * size * size * 3);
        }
        return new Clip(frames, size, size, fps, rgb);
    }

    /** Box-filters the supersampled frame into the clip: deterministic anti-aliasing. */
    private void downsample(BufferedImage img, byte[] out, int offset) {
        int n = SUPERSAMPLE * SUPERSAMPLE;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int r = 0, gg = 0, b = 0;
                for (int dy = 0; dy < SUPERSAMPLE; dy++) {
                    for (int dx = 0; dx < SUPERSAMPLE; dx++) {
                        int p = img.getRGB(x * SUPERSAMPLE + dx, y * SUPERSAMPLE + dy);
                        r += (p >> 16) & 0xff;
                        gg += (p >> 8) & 0xff;
                        b += p & 0xff;
                    }
                }
                int i = offset + (y * size + x) * 3;
                out[i] = (byte) ((r + n / 2) / n);
                out[i + 1] = (byte) ((gg + n / 2) / n);
                out[i + 2] = (byte) ((b + n / 2) / n);
            }
        }
    }
}
