package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.Continuations;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.WorldDataset;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;

import java.awt.Color;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a model has learned how things move, read three ways on the built-in world's held-out clips: its
 * density (is the true next frame more likely than the last frame held still, a step back, or the object gone?),
 * its one-step prediction (how far it moves the object next), and its continuation of real footage (how far it
 * carries the motion on); and in generated clips, whether the named object stays in the picture.
 */
public final class Dynamics {

    /**
     * The frames whose next-frame likelihood is read: early, middle and late in a clip (4, 8 and 12 of 16). A
     * latent model codes {@code stride} frames a step, so it is read where a latent frame starts (5, 9 and 13 of 17).
     */
    public static int[] readAt(int frames, int stride) {
        return new int[]{aligned(frames / 4, stride), aligned(frames / 2, stride), aligned(3 * frames / 4, stride)};
    }

    /** The frame count nearest {@code frames} (at least 1 + stride) that ends where a flow frame does: 1 + stride * k. */
    static int aligned(int frames, int stride) {
        if (stride == 1) {
            return frames;
        }
        return 1 + stride * Math.max(1, Math.round((frames - 1) / (float) stride));
    }
    /** Noise draws every candidate is read under (the same for all candidates of a frame). */
    public static final int DRAWS = 3;
    /** Temperature of the one-step prediction: next to the prior's mode (z = 0). */
    private static final float MODE_TEMPERATURE = 1e-3f;

    private Dynamics() {
    }

    /**
     * (a) Given the real frames before frame t of each held-out clip, bits of the true frame t against the last
     * frame held, one step back, a step too far (frame t + 1), the object removed and the objects smeared (kept where
     * they were in frame t - 1 as well as where they are), at each of {@link #readAt},
     * all under the same noise draws: the mean difference from the truth (positive: the truth is more likely), and
     * the share of clips where the truth is the most likely of the moving candidates (held, back, too far; an empty
     * background is cheaper to code than any object, so the removed frame is reported but not raced).
     */
    public static Map<String, Double> nextFrame(VideoModel model, CaptionedWorld world, List<WorldDataset.Sample> held) {
        int plane = model.spec().dims(1);
        int stride = model.frameStride();
        Map<String, Double> out = new LinkedHashMap<>();
        // A pixel model's scale: what a model that knew the next frame exactly, up to its training noise, would give
        // (see exactBits). A latent model's noise is in its latents, so it has none.
        double sigma = model.autoencoder().isPresent() ? 0 : model.flow().config().noiseStd();
        for (int t : readAt(model.spec().frames(), stride)) {
            double[] sums = new double[5];
            double exactHeld = 0;
            double exactHeldTranslating = 0;
            double wins = 0;
            // the clips that move left, right, up or down alone: what a world of translations (the gate runs') teaches
            double translatingHeld = 0;
            double translatingWins = 0;
            int translating = 0;
            for (int i = 0; i < held.size(); i++) {
                WorldDataset.Sample s = held.get(i);
                float[] x = s.clip().toModelLayout();
                Clip background = world.render(new Scene(List.of(), s.scene().background()));
                float[] empty = background.toModelLayout();
                // the objects kept where they were in frame t - 1 as well as where they are (smeared one step along)
                float[] smeared = Continuations.smeared(s.clip().window(t - 1, stride + 1), background.window(t - 1, stride + 1), 1)
                        .window(1, stride).toModelLayout();
                // what the flow codes next (stride frames): the truth, the last frame held, the motion run backwards
                // from there, one frame too far along (the clip's last frame held where that runs past its end; the
                // world's motions span the clip, so it cannot be rendered further), the object gone, and smeared
                List<float[]> candidates = List.of(frames(x, t, 1, stride, plane), frames(x, t - 1, 0, stride, plane),
                        frames(x, t - 2, -1, stride, plane), frames(x, t + 1, 1, stride, plane), frames(empty, t, 1, stride, plane),
                        smeared);
                double[] bits = model.likelihood().nextFrameBits(Arrays.copyOf(x, t * plane), candidates, s.caption(),
                        DRAWS, 31L * t + i);
                for (int k = 0; k < 5; k++) {
                    sums[k] += bits[k + 1] - bits[0];
                }
                double exact = exactBits(candidates.get(1), candidates.get(0), sigma);
                exactHeld += exact;
                boolean won = truthWins(bits, candidates);
                wins += won ? 1 : 0;
                if (direction(s.scene().primary().motion()) != null) {
                    translatingHeld += bits[1] - bits[0];
                    exactHeldTranslating += exact;
                    translatingWins += won ? 1 : 0;
                    translating++;
                }
            }
            int n = held.size();
            out.put("held_minus_true_bits_at_" + t, sums[0] / n);
            out.put("back_minus_true_bits_at_" + t, sums[1] / n);
            out.put("double_step_minus_true_bits_at_" + t, sums[2] / n);
            out.put("removed_minus_true_bits_at_" + t, sums[3] / n);
            out.put("smeared_minus_true_bits_at_" + t, sums[4] / n);
            out.put("truth_wins_at_" + t, wins / n);
            out.put("held_minus_true_bits_translating_at_" + t, translating == 0 ? Double.NaN : translatingHeld / translating);
            out.put("truth_wins_translating_at_" + t, translating == 0 ? Double.NaN : translatingWins / translating);
            if (sigma > 0) {
                out.put("held_minus_true_bits_exact_at_" + t, exactHeld / n);
                out.put("held_minus_true_bits_exact_translating_at_" + t,
                        translating == 0 ? Double.NaN : exactHeldTranslating / translating);
            }
        }
        out.put("clips", (double) held.size());
        return out;
    }

    /**
     * Whether the truth (candidate 0) is likelier than each moving candidate (held, back, too far: 1 to 3) that shows
     * another frame. One that shows the same frame is the truth, not a rival: a still object's last frame held, or a
     * bouncing one's at its turn, ties with the truth under the same noise draw and would count as a loss however well
     * the model had learned the motion.
     */
    static boolean truthWins(double[] bits, List<float[]> candidates) {
        for (int k = 1; k <= 3; k++) {
            if (!Arrays.equals(candidates.get(k), candidates.get(0)) && !(bits[0] < bits[k])) {
                return false;
            }
        }
        return true;
    }

    /**
     * (b) and (c) On the held-out clips that move left, right, up or down: how far the model moves the object one
     * step on from the first half of the clip (8 real frames of 16; a latent model's 9 of 17, where a latent frame
     * ends) at the prior's mode, against the real step; and how far it carries it over the rest of the clip continued
     * from those, against the real clip (pixels along the named direction, means over clips).
     */
    public static Map<String, Double> continuation(VideoPipeline pipeline, List<WorldDataset.Sample> held, Sampling sampling) {
        int frames = pipeline.model().spec().frames();
        int stride = pipeline.model().frameStride();
        int given = aligned(frames / 2, stride);
        double step = 0, realStep = 0, carried = 0, realCarried = 0;
        int n = 0;
        for (WorldDataset.Sample s : held) {
            Motion m = s.scene().primary().motion();
            double[] dir = direction(m);
            if (dir == null) {
                continue;
            }
            Clip opening = s.clip().window(0, given);
            Clip next = pipeline.make(new VideoRequest(Mode.EXTEND, s.caption(), 1, given + stride,
                    sampling.withTemperature(MODE_TEMPERATURE), opening, null), null);
            Clip more = pipeline.make(new VideoRequest(Mode.EXTEND, s.caption(), 1, frames, sampling, opening, null), null);
            double[][] real = TemporalQuality.track(s.clip());
            step += along(TemporalQuality.track(next), given - 1, given, dir);
            realStep += along(real, given - 1, given, dir);
            carried += along(TemporalQuality.track(more), given - 1, frames - 1, dir);
            realCarried += along(real, given - 1, frames - 1, dir);
            n++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("given_frames", (double) given);
        out.put("continued_frames", (double) (frames - given));
        out.put("one_step_px", step / n);
        out.put("real_one_step_px", realStep / n);
        out.put("continued_px", carried / n);
        out.put("real_continued_px", realCarried / n);
        out.put("clips", (double) n);
        return out;
    }

    /** Frames of the long videos {@link #longVideos} makes: four of the bundled model's 16-frame windows. */
    public static final int LONG_FRAMES = 64;

    /**
     * (f) Long videos of {@value #LONG_FRAMES} frames, made as {@code strom generate --frames 64} makes them (each window continued from the last): one
     * per held-out prompt that names a direction (left, right, up or down; English, seed 1000), read by {@link #longVideo}.
     */
    public static Map<String, Double> longVideos(VideoPipeline pipeline, CaptionedWorld world, Sampling sampling) {
        // a latent model's clips end where a latent frame does (65 frames)
        int frames = aligned(LONG_FRAMES, pipeline.model().frameStride());
        List<Clip> clips = CaptionedWorld.HELD_OUT.stream()
                .filter(c -> direction(c.motion()) != null)
                .sorted(Comparator.comparing(Scene.Combo::toString))
                .map(c -> pipeline.make(new VideoRequest(Mode.TEXT, Evaluation.heldOutPrompt(world, c, 0, false), 1000, frames,
                        sampling, null, null), null))
                .toList();
        return longVideo(clips);
    }

    /**
     * How long clips keep their object, by tracking: how many there are and how long, how many objects swell past three
     * times their opening size ({@link TemporalQuality#swells}), how many leave the picture, and how many of those have
     * something painted back after they left ({@link TemporalQuality#cameBack}; the world's objects stay gone).
     */
    static Map<String, Double> longVideo(List<Clip> clips) {
        double swelled = 0, left = 0, back = 0;
        for (Clip c : clips) {
            double[][] track = TemporalQuality.track(c);
            swelled += TemporalQuality.swells(track) ? 1 : 0;
            left += TemporalQuality.leaves(track) ? 1 : 0;
            back += TemporalQuality.cameBack(track) ? 1 : 0;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("frames", clips.isEmpty() ? 0.0 : clips.get(0).frames());
        out.put("clips", (double) clips.size());
        out.put("swelled", swelled);
        out.put("left_the_picture", left);
        out.put("painted_back", back);
        return out;
    }

    /**
     * (d) The share of frames in which the named object is in the picture: pixels far from the background colour
     * the caption names (the world's ground truth), at least {@value TemporalQuality#VISIBLE_PIXELS} of them.
     */
    public static double objectVisibleShare(List<Clip> clips, List<Scene.Combo> asked) {
        double seen = 0, frames = 0;
        for (int i = 0; i < clips.size(); i++) {
            Clip c = clips.get(i);
            int[] bg = rgb(asked.get(i).background().color());
            for (int t = 0; t < c.frames(); t++) {
                int count = 0;
                for (int y = 0; y < c.height(); y++) {
                    for (int x = 0; x < c.width(); x++) {
                        count += TemporalQuality.isObject(c, t, y, x, bg) ? 1 : 0;
                    }
                }
                seen += count >= TemporalQuality.VISIBLE_PIXELS ? 1 : 0;
                frames++;
            }
        }
        return frames == 0 ? Double.NaN : seen / frames;
    }

    /**
     * (e) How many directional prompts (left, right, up, down, grow, shrink) moved as asked, by tracking: all of
     * them, up/down alone, grow/shrink alone, and English and German apart; and of the prompts that name a
     * direction (left, right, up, down), how many moved that way with the object whole (ending within half to twice
     * the size it started at: a swelling blob also moves its centre). Last, of every prompt not asked to grow or
     * shrink (moving, bouncing, spinning or staying), how many keep the object's size the same way: the count that
     * shows a model whose objects swell into smears or fade away, whatever they were asked to do.
     */
    public static Map<String, Double> tracked(List<Evaluation.Generated> generated) {
        double right = 0, all = 0, vertical = 0, verticalAll = 0, size = 0, sizeAll = 0, en = 0, de = 0;
        double whole = 0, directed = 0, kept = 0, keptOf = 0;
        for (Evaluation.Generated g : generated) {
            double[][] track = TemporalQuality.track(g.clip());
            if (g.asked().motion() != Motion.GROW && g.asked().motion() != Motion.SHRINK) {
                keptOf++;
                kept += TemporalQuality.keepsItsSize(track) ? 1 : 0;
            }
            Boolean ok = TemporalQuality.movesAsPrompted(track, g.clip().width(), g.asked().motion());
            if (ok == null) {
                continue;
            }
            Motion m = g.asked().motion();
            int hit = ok ? 1 : 0;
            all++;
            right += hit;
            if (m == Motion.UP || m == Motion.DOWN) {
                verticalAll++;
                vertical += hit;
            }
            if (m == Motion.GROW || m == Motion.SHRINK) {
                sizeAll++;
                size += hit;
            } else {
                directed++;
                whole += ok && TemporalQuality.keepsItsSize(track) ? 1 : 0;
            }
            if (g.german()) {
                de += hit;
            } else {
                en += hit;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("right", right);
        out.put("of", all);
        out.put("up_down_right", vertical);
        out.put("up_down_of", verticalAll);
        out.put("grow_shrink_right", size);
        out.put("grow_shrink_of", sizeAll);
        out.put("english_right", en);
        out.put("german_right", de);
        out.put("moved_whole_right", whole);
        out.put("moved_whole_of", directed);
        out.put("size_kept", kept);
        out.put("size_kept_of", keptOf);
        return out;
    }

    /**
     * Bits by which the truth beats {@code candidate} under a model that knew the next frame exactly and left only its
     * training noise (a Gaussian of {@code sigma} about the truth): under one shared noise draw e, the difference
     * |candidate - truth + e|^2 - |e|^2 averages |candidate - truth|^2, so sum (candidate - truth)^2 / (2 sigma^2 ln 2).
     * It sets the scale of the race: a learned density that has the motion beats "held" by about this much.
     */
    static double exactBits(float[] candidate, float[] truth, double sigma) {
        if (!(sigma > 0)) {
            return Double.NaN;
        }
        double sq = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = candidate[i] - truth[i];
            sq += d * d;
        }
        return sq / (2 * sigma * sigma * Math.log(2));
    }

    /** {@code count} frames of a clip from frame {@code t}, stepping {@code step} frames (0: frame t held), within the clip. */
    private static float[] frames(float[] clip, int t, int step, int count, int plane) {
        float[] out = new float[count * plane];
        int last = clip.length / plane - 1;
        for (int k = 0; k < count; k++) {
            int f = Math.max(0, Math.min(last, t + step * k));
            System.arraycopy(clip, f * plane, out, k * plane, plane);
        }
        return out;
    }

    /** The unit direction a motion moves the object in on screen (y down), or null when it moves nowhere. */
    private static double[] direction(Motion m) {
        return switch (m) {
            case LEFT -> new double[]{-1, 0};
            case RIGHT -> new double[]{1, 0};
            case UP -> new double[]{0, -1};
            case DOWN -> new double[]{0, 1};
            default -> null;
        };
    }

    /** How far the tracked centre moved from frame a to frame b along dir; 0 when the object is not seen in both. */
    private static double along(double[][] track, int a, int b, double[] dir) {
        if (Double.isNaN(track[a][0]) || Double.isNaN(track[b][0])) {
            return 0;
        }
        return (track[b][0] - track[a][0]) * dir[0] + (track[b][1] - track[a][1]) * dir[1];
    }

    private static int[] rgb(Color c) {
        return new int[]{c.getRed(), c.getGreen(), c.getBlue()};
    }
}
