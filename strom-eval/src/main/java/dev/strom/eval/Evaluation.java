package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Captions;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Scene;
import dev.strom.data.world.WorldDataset;
import dev.strom.media.LosslessCodecs;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.Comparator;
import java.util.function.IntFunction;

/**
 * Measures a model on the built-in world's held-out triples: its exact likelihood as a compression rate
 * beside real lossless codecs on the same clips, and prompt adherence of generated clips as read by an
 * independent probe (English and German prompts apart), with the probe's accuracy on real clips as its
 * ceiling.
 */
public final class Evaluation {

    /** A generated clip with the triple it was asked for and what the probe saw (null when it was not read). */
    public record Generated(Scene.Combo asked, String prompt, boolean german, Clip clip, Probe.Verdict verdict) {
    }

    private Evaluation() {
    }

    /** Mean model and codec bits/dim over the held-out clips (conditional on their captions). */
    public static Map<String, Double> compression(VideoModel model, WorldDataset data, int perCombo, Path scratch)
            throws IOException {
        List<WorldDataset.Sample> held = data.heldOut(false, perCombo);
        Map<String, Double> sums = new LinkedHashMap<>();
        List<float[]> clips = held.stream().map(s -> s.clip().toModelLayout()).toList();
        int frames = model.spec().frames();
        double[] cond = model.likelihood().bitsPerDim(clips, frames, held.stream().map(WorldDataset.Sample::caption).toList(), 7);
        double[] uncond = model.likelihood().bitsPerDim(clips, frames, null, 7);
        for (int j = 0; j < held.size(); j++) {
            sums.merge("strom_conditional", cond[j], Double::sum);
            sums.merge("strom_unconditional", uncond[j], Double::sum);
            for (var r : LosslessCodecs.measure(held.get(j).clip(), scratch).values()) {
                sums.merge(r.codec(), r.bitsPerDim(), Double::sum);
            }
        }
        sums.replaceAll((k, v) -> v / held.size());
        return sums;
    }

    /**
     * The prompt for sample k of a held-out triple: a caption of its scene from a template chosen by the triple's
     * name (not its hashCode, which for enums changes from one JVM run to the next).
     */
    static String heldOutPrompt(CaptionedWorld world, Scene.Combo c, int k, boolean german) {
        Scene scene = world.scene(c, k);
        Random rng = new Random(31L * c.toString().hashCode() + k);
        return Captions.of(scene, german, rng);
    }

    /** Generates one clip per held-out triple, language and sample (seeds 1000 on), and lets the probe read each. */
    public static List<Generated> adherence(VideoPipeline pipeline, Probe probe, CaptionedWorld world, int perCombo,
                                            Sampling sampling, Consumer<String> progress) {
        return generate(pipeline, world, perCombo, 1000, sampling, progress).stream()
                .map(g -> new Generated(g.asked(), g.prompt(), g.german(), g.clip(), probe.classify(List.of(g.clip())).get(0)))
                .toList();
    }

    /**
     * One clip per held-out triple, language and sample k, made from seed {@code seed + k}; the same prompts
     * whatever the seed. Unread: no verdict.
     */
    public static List<Generated> generate(VideoPipeline pipeline, CaptionedWorld world, int perCombo, long seed,
                                           Sampling sampling, Consumer<String> progress) {
        List<Scene.Combo> combos = CaptionedWorld.HELD_OUT.stream()
                .sorted(Comparator.comparing(Scene.Combo::toString)).toList();
        List<Generated> out = new ArrayList<>();
        int done = 0;
        for (boolean german : new boolean[]{false, true}) {
            for (Scene.Combo c : combos) {
                for (int k = 0; k < perCombo; k++) {
                    String prompt = heldOutPrompt(world, c, k, german);
                    Clip clip = pipeline.make(new VideoRequest(Mode.TEXT, prompt, seed + k, pipeline.spec().frames(), sampling,
                            null, null), null);
                    out.add(new Generated(c, prompt, german, clip, null));
                    progress.accept(++done + "/" + (2 * combos.size() * perCombo) + " " + prompt);
                }
            }
        }
        return out;
    }

    /**
     * Edits {@code count} clips of the built-in world (pairs from a seed the model never trained on) and reads the
     * results, by the probe and from the pixels against the ground truth (the object's and the background's
     * hue): how often the attribute the instruction names became the asked one, how often the attribute it does
     * not name stayed as it was, and how often both held, per kind of change and language mix.
     */
    public static Map<String, Double> editing(VideoPipeline pipeline, Probe probe, EditPairs pairs, int count,
                                              Sampling sampling, Consumer<String> progress) {
        return changes(probe, pairs, count, i -> edited(pipeline, pairs.pair(i), 2000 + i, sampling), progress);
    }

    /**
     * As {@link #editing}, for {@code strom remix}: each pair's source, described in the pair's language, remade
     * under the description of the edited scene.
     */
    public static Map<String, Double> remixing(VideoPipeline pipeline, Probe probe, EditPairs pairs, int count,
                                               Sampling sampling, Consumer<String> progress) {
        return changes(probe, pairs, count, i -> remixed(pipeline, pairs.pair(i), 2000 + i, sampling), progress);
    }

    /**
     * Reads {@code count} changed clips against their pairs: the asked change and the rest by the probe and by the
     * pixels, the motion by the probe, and how far the object's centre stands from where the edited scene has it.
     */
    private static Map<String, Double> changes(Probe probe, EditPairs pairs, int count, IntFunction<Clip> make,
                                               Consumer<String> progress) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            EditPairs.Pair p = pairs.pair(i);
            Clip clip = make.apply(i);
            Probe.Verdict v = probe.classify(List.of(clip)).get(0);
            Scene.Combo after = p.after().combo();
            EditGroundTruth.Check probed = EditGroundTruth.Check.of(p, v.thing() == after.thing(),
                    v.background() == after.background());
            // the same question read from the pixels: the hue of the clip's most common colour, the colour the object is painted in
            EditGroundTruth.Check truth = EditGroundTruth.check(clip, p);
            double[][] made = TemporalQuality.track(clip);
            double[][] wanted = TemporalQuality.track(p.target());
            String kind = p.change() == EditPairs.Change.OBJECT ? "object" : "background";
            for (String key : new String[]{"all", kind}) {
                double[] acc = sums.computeIfAbsent(key, k -> new double[10]);
                acc[0] += probed.changed() ? 1 : 0;
                acc[1] += probed.kept() ? 1 : 0;
                acc[2] += v.motion() == after.motion() ? 1 : 0;
                acc[3]++;
                acc[4] += truth.changed() ? 1 : 0;
                acc[5] += truth.kept() ? 1 : 0;
                acc[6] += truth.right() ? 1 : 0;
                for (int t = 0; t < made.length; t++) {
                    acc[7]++;
                    if (!Double.isNaN(made[t][0]) && !Double.isNaN(wanted[t][0])) {
                        acc[8]++;
                        acc[9] += Math.hypot(made[t][0] - wanted[t][0], made[t][1] - wanted[t][1]);
                    }
                }
            }
            progress.accept((i + 1) + "/" + count + " " + p.instruction());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        sums.forEach((k, a) -> {
            m.put(k + "_changed_as_asked", a[0] / a[3]);
            m.put(k + "_changed_as_asked_by_pixels", a[4] / a[3]);
            m.put(k + "_other_attribute_kept", a[1] / a[3]);
            m.put(k + "_other_attribute_kept_by_pixels", a[5] / a[3]);
            m.put(k + "_whole_edit_right_by_pixels", a[6] / a[3]);
            m.put(k + "_motion_kept", a[2] / a[3]);
            m.put(k + "_object_seen_share", a[8] / a[7]);
            m.put(k + "_object_centre_offset_px", a[8] == 0 ? Double.NaN : a[9] / a[8]);
            m.put(k + "_clips", a[3]);
        });
        return m;
    }

    /**
     * What {@code strom remix} makes of a pair's source under the description of its edited scene, the source
     * described in the same words and language (Jacobi sampling, denoised).
     */
    public static Clip remixed(VideoPipeline pipeline, EditPairs.Pair p, long seed, Sampling sampling) {
        String from = Captions.of(p.before(), p.german(), new Random(p.template()));
        String to = Captions.of(p.after(), p.german(), new Random(p.template()));
        return pipeline.make(new VideoRequest(Mode.REMIX, to, seed, 0, sampling, p.source(), from), null);
    }

    /** What {@code strom edit} makes of a pair's source under its instruction. */
    public static Clip edited(VideoPipeline pipeline, EditPairs.Pair p, long seed, Sampling sampling) {
        return pipeline.make(new VideoRequest(Mode.EDIT, p.instruction(), seed, 0, sampling, p.source(), null), null);
    }

    /** Accuracy per attribute and all-correct for a list of (asked, seen) pairs. */
    public static Map<String, Double> accuracy(List<Scene.Combo> asked, List<Probe.Verdict> seen) {
        double thing = 0, motion = 0, bg = 0, all = 0;
        for (int i = 0; i < asked.size(); i++) {
            Scene.Combo a = asked.get(i);
            Probe.Verdict v = seen.get(i);
            thing += v.thing() == a.thing() ? 1 : 0;
            motion += v.motion() == a.motion() ? 1 : 0;
            bg += v.background() == a.background() ? 1 : 0;
            all += v.matches(a) ? 1 : 0;
        }
        int n = Math.max(1, asked.size());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("object", thing / n);
        m.put("motion", motion / n);
        m.put("background", bg / n);
        m.put("all_correct", all / n);
        m.put("clips", (double) asked.size());
        return m;
    }

    /** The probe's accuracy on real held-out clips: the ceiling for generated ones. */
    public static Map<String, Double> ceiling(Probe probe, WorldDataset data, int perCombo) {
        List<WorldDataset.Sample> held = data.heldOut(false, perCombo);
        List<Probe.Verdict> v = probe.classify(held.stream().map(WorldDataset.Sample::clip).toList());
        return accuracy(held.stream().map(s -> s.scene().combo()).toList(), v);
    }

    /** Temporal measures over clips asked for the given triples: probe consistency, flicker, tracked motion. */
    public static Map<String, Double> temporal(Probe probe, List<Clip> clips, List<Scene.Combo> asked) {
        double consistency = 0, flicker = 0, directional = 0, correct = 0;
        for (int i = 0; i < clips.size(); i++) {
            consistency += probe.objectConsistency(clips.get(i));
            flicker += TemporalQuality.flicker(clips.get(i));
            Boolean ok = TemporalQuality.movesAsPrompted(clips.get(i), asked.get(i).motion());
            if (ok != null) {
                directional++;
                correct += ok ? 1 : 0;
            }
        }
        int n = Math.max(1, clips.size());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("object_consistency", consistency / n);
        m.put("flicker_static_regions", flicker / n);
        m.put("motion_correct", directional == 0 ? Double.NaN : correct / directional);
        m.put("directional_clips", directional);
        return m;
    }

    /** Fréchet distance in probe features: generated vs real held-out clips, and real vs other real (floor). */
    public static Map<String, Double> frechet(Probe probe, WorldDataset data, WorldDataset other, List<Clip> generated,
                                              int perCombo) {
        List<Clip> real = data.heldOut(false, perCombo).stream().map(WorldDataset.Sample::clip).toList();
        List<Clip> real2 = other.heldOut(false, perCombo).stream().map(WorldDataset.Sample::clip).toList();
        Map<String, Double> m = new LinkedHashMap<>();
        double[][] fr = probe.features(real);
        m.put("generated_vs_real", FrechetDistance.between(probe.features(generated), fr));
        m.put("real_vs_real_floor", FrechetDistance.between(probe.features(real2), fr));
        return m;
    }
}
