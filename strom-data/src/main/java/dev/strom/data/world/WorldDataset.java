package dev.strom.data.world;

import dev.strom.data.Clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Comparator;

/**
 * Training and evaluation samples from the built-in world, each fixed by (seed, index): the same seed
 * always gives the same clips and captions. Captions are English or German at random.
 */
public final class WorldDataset {

    /** A clip with its caption and ground truth. */
    public record Sample(Clip clip, String caption, Scene scene, boolean german) {
    }

    private final CaptionedWorld world;
    private final long seed;

    public WorldDataset(CaptionedWorld world, long seed) {
        this.world = world;
        this.seed = seed;
    }

    public CaptionedWorld world() {
        return world;
    }

    /** Training sample number i (never a held-out triple). */
    public Sample training(long i) {
        Scene scene = world.trainingScene(mix(seed, i));
        CaptionStyle style = trainingStyle(i);
        return new Sample(world.render(scene), style.caption(scene), scene, style.german());
    }

    /** Training sample i's caption, without drawing its clip. */
    public String trainingCaption(long i) {
        return trainingStyle(i).caption(world.trainingScene(mix(seed, i)));
    }

    /**
     * Training sample i's caption for another scene, in the same language and template: what sample i would be
     * called had its scene been {@code other} (for caption contrast, where only the ground truth may differ).
     */
    public String trainingCaption(long i, Scene other) {
        return trainingStyle(i).caption(other);
    }

    private CaptionStyle trainingStyle(long i) {
        long s = mix(seed, i) ^ 0x5DEECE66DL;
        return new CaptionStyle(new Random(s).nextBoolean(), s);
    }

    /** A caption's language and the generator state its template is drawn from. */
    private record CaptionStyle(boolean german, long seed) {
        String caption(Scene scene) {
            Random rng = new Random(seed);
            rng.nextBoolean();
            return Captions.of(scene, german, rng);
        }
    }

    public List<Sample> trainingBatch(long step, int batch) {
        List<Sample> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            out.add(training(step * batch + i));
        }
        return out;
    }

    /** One clip of every held-out triple (in a fixed order), captioned in the given language. */
    public List<Sample> heldOut(boolean german, int perCombo) {
        List<Scene.Combo> combos = CaptionedWorld.HELD_OUT.stream()
                .sorted(Comparator.comparing(Scene.Combo::toString)).toList();
        List<Sample> out = new ArrayList<>();
        for (int k = 0; k < perCombo; k++) {
            for (int c = 0; c < combos.size(); c++) {
                long s = mix(seed ^ 0xC0FFEEL, c * 1000L + k);
                Scene scene = world.scene(combos.get(c), s);
                Random rng = new Random(s);
                String caption = Captions.of(scene, german, rng);
                out.add(new Sample(world.render(scene), caption, scene, german));
            }
        }
        return out;
    }

    private static long mix(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L + b;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }
}
