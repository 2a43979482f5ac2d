package dev.strom.data.world;

import dev.strom.data.Clip;

import java.util.List;
import java.util.Random;
import java.util.ArrayList;
import java.util.Collections;

/**
 * Video-editing examples from the built-in world, for STARFlow-V's source-prefix (v2v) training: a clip,
 * the same clip with one thing changed (the object, or the background), and the instruction that asks for
 * that change, in English or German. Fixed by (seed, index); neither side is ever a held-out triple.
 */
public final class EditPairs {

    /** What an edit changes. */
    public enum Change { OBJECT, BACKGROUND }

    /** One example: the clip before and after, the instruction (from template {@code template}), and the ground truth of both. */
    public record Pair(Clip source, Clip target, String instruction, Scene before, Scene after, Change change,
                       boolean german, int template) {

        /**
         * What source-prefix training and scoring see, in the model layout [T, C, H, W]: source frames
         * [from, from + sourceFrames), then the edited frames [from, from + targetFrames) of the same span.
         */
        public float[] excerpt(int from, int sourceFrames, int targetFrames) {
            int plane = 3 * source.width() * source.height();
            float[] out = new float[(sourceFrames + targetFrames) * plane];
            System.arraycopy(source.toModelLayout(), from * plane, out, 0, sourceFrames * plane);
            System.arraycopy(target.toModelLayout(), from * plane, out, sourceFrames * plane, targetFrames * plane);
            return out;
        }

        /**
         * Every instruction in this pair's language and template that asks for another result: the other objects or
         * backgrounds the scene could take (the unchanged source among them), in a fixed order.
         */
        public List<String> otherInstructions() {
            List<String> out = new ArrayList<>();
            Scene.Combo to = after.combo();
            if (change == Change.OBJECT) {
                for (Thing t : Thing.values()) {
                    add(out, new Scene.Combo(t, to.motion(), to.background()));
                }
            } else {
                for (Hue bg : CaptionedWorld.BACKGROUNDS) {
                    add(out, new Scene.Combo(to.thing(), to.motion(), bg));
                }
            }
            return out;
        }

        private void add(List<String> out, Scene.Combo other) {
            if (!other.equals(after.combo()) && CaptionedWorld.visible(other.thing(), other.background())) {
                out.add(EditPairs.instruction(before, edited(before, other), change, german, template));
            }
        }

        /**
         * {@code count} of {@link #otherInstructions()}, distinct, drawn by {@code rng}. For caption contrast: the
         * source and target stay, only the words differ.
         */
        public List<String> wrongInstructions(int count, Random rng) {
            List<String> others = new ArrayList<>(otherInstructions());
            if (others.size() < count) {
                throw new IllegalArgumentException("only " + others.size() + " other results for " + instruction);
            }
            Collections.shuffle(others, rng);
            return others.subList(0, count);
        }
    }

    private final CaptionedWorld world;
    private final long seed;

    public EditPairs(CaptionedWorld world, long seed) {
        this.world = world;
        this.seed = seed;
    }

    /** Example number i. */
    public Pair pair(long i) {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
        while (true) {
            Scene.Combo from = new Scene.Combo(pick(rng, Thing.values()), pick(rng, Motion.values()),
                    pick(rng, CaptionedWorld.BACKGROUNDS.toArray(new Hue[0])));
            Change change = rng.nextBoolean() ? Change.OBJECT : Change.BACKGROUND;
            Scene.Combo to = change == Change.OBJECT
                    ? new Scene.Combo(pick(rng, Thing.values()), from.motion(), from.background())
                    : new Scene.Combo(from.thing(), from.motion(), pick(rng, CaptionedWorld.BACKGROUNDS.toArray(new Hue[0])));
            if (to.equals(from) || !usable(from) || !usable(to)) {
                continue;
            }
            Scene before = world.scene(from, rng.nextLong());
            Scene after = edited(before, to);
            boolean german = rng.nextBoolean();
            int template = rng.nextInt(2);
            return new Pair(world.render(before), world.render(after), instruction(before, after, change, german, template),
                    before, after, change, german, template);
        }
    }

    /** The scene with its only object and background replaced by those of {@code to}; placement and motion kept. */
    public static Scene edited(Scene s, Scene.Combo to) {
        Scene.Actor a = s.primary();
        return new Scene(List.of(new Scene.Actor(to.thing(), a.motion(), a.x(), a.y(), a.size(), a.travel())), to.background());
    }

    /** Words that ask for the change from {@code before} to {@code after}, from template 0 or 1. */
    public static String instruction(Scene before, Scene after, Change change, boolean german, int template) {
        if (change == Change.BACKGROUND) {
            Hue bg = after.background();
            if (german) {
                return (template == 0 ? "mach den Hintergrund " : "färbe den Hintergrund ") + bg.german("");
            }
            return template == 0 ? "make the background " + bg.english() : "change the background to " + bg.english();
        }
        Thing a = before.primary().thing();
        Thing b = after.primary().thing();
        if (german) {
            String the = a.genus == Thing.Genus.M ? "den " : "das ";
            String an = b.genus == Thing.Genus.M ? "einen " : "ein ";
            return template == 0 ? "verwandle " + the + a.german() + " in " + an + b.german()
                    : "ersetze " + the + a.german() + " durch " + an + b.german();
        }
        String an = Captions.article(b.english()) + " ";
        return template == 0 ? "turn the " + a.english() + " into " + an + b.english()
                : "replace the " + a.english() + " with " + an + b.english();
    }

    private static boolean usable(Scene.Combo c) {
        return CaptionedWorld.visible(c.thing(), c.background()) && !CaptionedWorld.HELD_OUT.contains(c);
    }

    private static <T> T pick(Random rng, T[] values) {
        return values[rng.nextInt(values.length)];
    }
}
