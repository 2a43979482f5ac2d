package dev.strom.eval;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import dev.strom.data.world.WorldDataset;
import dev.strom.store.ModelStore;
import dev.strom.video.VideoModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dynamics figures: those that need no model (whether the object is in the picture, tracked direction counts),
 * and the next-frame race on the bundled model.
 */
class DynamicsTest {

    private static final Path BUNDLED = Path.of(System.getProperty("strom.home", "..")).resolve("models").resolve("world-32");

    @Test
    void theNextFrameRaceScoresEveryCandidateAgainstTheTruthAndAStillObjectsSmearIsItsTruth() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = ModelStore.load(BUNDLED, m)) {
            var spec = model.spec();
            CaptionedWorld w = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            Scene still = w.scene(new Scene.Combo(Thing.APPLE, Motion.STAY, Hue.BLUE), 5);
            WorldDataset.Sample sample = new WorldDataset.Sample(w.render(still), "a red apple staying still on a blue background", still, false);

            Map<String, Double> r = Dynamics.nextFrame(model, w, List.of(sample));

            for (String k : new String[]{"held", "back", "double_step", "removed", "smeared"}) {
                assertTrue(Double.isFinite(r.get(k + "_minus_true_bits_at_8")), k + ": " + r);
            }
            // the same frame in another row of one batch may round differently: with 3x3 matching, rows 4 and 5 of
            // six identical ones read 2e-4 bits more than rows 0-3 (of about 17,700)
            assertEquals(0.0, r.get("smeared_minus_true_bits_at_8"), 1e-3, "an object that stays smears onto itself: the truth");
            assertEquals(0.0, r.get("held_minus_true_bits_at_8"), 1e-3, "and held is the truth too");
            assertNotEquals(0.0, r.get("removed_minus_true_bits_at_8"));
            assertEquals(0.0, r.get("held_minus_true_bits_exact_at_8"), "an exact model cannot tell a still frame from itself");
            assertEquals(1.0, r.get("truth_wins_at_8"), "held, back and too far all show the truth: no rival is likelier");
        }
    }

    @Test
    void aCandidateThatShowsTheTruthIsNoRivalButAnyOtherLikelierOneBeatsIt() {
        float[] truth = {0.5f, -0.5f};
        float[] moved = {0.4f, -0.5f};
        // bits of the truth, held, back, too far
        List<float[]> heldIsTruth = List.of(truth, truth.clone(), moved, moved);
        assertTrue(Dynamics.truthWins(new double[]{10, 10, 12, 11}, heldIsTruth), "a tie with itself is not a loss");
        assertTrue(!Dynamics.truthWins(new double[]{10, 10, 9, 11}, heldIsTruth), "a likelier wrong frame wins");
        List<float[]> allDiffer = List.of(truth, moved, moved, moved);
        assertTrue(!Dynamics.truthWins(new double[]{10, 10, 12, 11}, allDiffer), "a tie with a wrong frame is a loss");
        assertTrue(Dynamics.truthWins(new double[]{10, 10.5, 12, 11}, allDiffer));
    }

    @Test
    void anExactModelBeatsHeldByTheSquaredChangeOverTwiceTheNoiseVarianceInBits() {
        float[] truth = {0.5f, -0.5f, 0f, 1f};
        float[] held = {0.5f, 0.5f, 0f, 0f};
        // changes of 1 and 1: sum of squares 2, over 2 * 0.1^2 = 100 nats, 144.27 bits
        assertEquals(2 / (2 * 0.01 * Math.log(2)), Dynamics.exactBits(held, truth, 0.1), 1e-6);
        assertEquals(0.0, Dynamics.exactBits(truth, truth, 0.1));
        assertTrue(Double.isNaN(Dynamics.exactBits(held, truth, 0)), "a model without noise has no finite scale");
    }

    private final CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);

    @Test
    void aRealClipShowsItsObjectInEveryFrameAndAnEmptyOneInNone() {
        Scene scene = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 3);
        Clip real = world.render(scene);
        Clip empty = world.render(new Scene(List.of(), Hue.BLUE));
        assertEquals(1.0, Dynamics.objectVisibleShare(List.of(real), List.of(scene.combo())));
        assertEquals(0.0, Dynamics.objectVisibleShare(List.of(empty), List.of(scene.combo())));
        assertEquals(0.5, Dynamics.objectVisibleShare(List.of(real, empty), List.of(scene.combo(), scene.combo())));
    }

    @Test
    void trackedDirectionCountsOnlyPromptsWithADirectionAndSplitsThemByKindAndLanguage() {
        Scene left = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 1);
        Scene up = world.scene(new Scene.Combo(Thing.STAR, Motion.UP, Hue.GREEN), 2);
        Scene spin = world.scene(new Scene.Combo(Thing.HEART, Motion.SPIN, Hue.GRAY), 3);
        Clip leftClip = world.render(left);
        List<Evaluation.Generated> g = List.of(
                new Evaluation.Generated(left.combo(), "p", false, leftClip, null),
                // asked to move up, shown moving left: wrong
                new Evaluation.Generated(up.combo(), "p", true, leftClip, null),
                new Evaluation.Generated(up.combo(), "p", true, world.render(up), null),
                new Evaluation.Generated(spin.combo(), "p", false, world.render(spin), null));
        Map<String, Double> t = Dynamics.tracked(g);
        assertEquals(3.0, t.get("of"), "spinning has no direction");
        assertEquals(2.0, t.get("right"));
        assertEquals(2.0, t.get("up_down_of"));
        assertEquals(1.0, t.get("up_down_right"));
        assertEquals(1.0, t.get("english_right"));
        assertEquals(1.0, t.get("german_right"));
        assertEquals(3.0, t.get("moved_whole_of"), "left, up, up: the prompts that name a direction");
        assertEquals(2.0, t.get("moved_whole_right"), "the world's clips keep their objects' size");
        assertEquals(4.0, t.get("size_kept_of"), "spinning counts for size though it has no direction");
        assertEquals(4.0, t.get("size_kept"));
    }

    @Test
    void anObjectThatSwellsAsItGoesMovesButNotWhole() {
        Scene left = world.scene(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE), 1);
        Clip swelling = squareGoingLeft(4, 14);
        List<Evaluation.Generated> g = List.of(
                new Evaluation.Generated(left.combo(), "p", false, swelling, null),
                new Evaluation.Generated(left.combo(), "p", false, squareGoingLeft(6, 6), null));
        Map<String, Double> t = Dynamics.tracked(g);
        assertEquals(2.0, t.get("right"), "both centres go left");
        assertEquals(1.0, t.get("moved_whole_right"), "the one that swelled from 4 to 14 px across is not whole");
        assertEquals(1.0, t.get("size_kept"), "nor did it keep its size");
        assertEquals(2.0, t.get("size_kept_of"));
    }

    @Test
    void aStillObjectThatFadesOrAGrowingOneIsCountedForSizeAsAsked() {
        Scene stay = world.scene(new Scene.Combo(Thing.APPLE, Motion.STAY, Hue.BLUE), 1);
        Scene grow = world.scene(new Scene.Combo(Thing.HEART, Motion.GROW, Hue.GRAY), 2);
        Clip stayClip = world.render(stay);
        byte[] faded = stayClip.rgb().clone();
        int plane = stayClip.height() * stayClip.width() * 3;
        java.awt.Color bg = stay.combo().background().color();
        // the second half of the clip is the background alone: the object faded out
        for (int t = stayClip.frames() / 2; t < stayClip.frames(); t++) {
            for (int i = 0; i < plane; i += 3) {
                faded[t * plane + i] = (byte) bg.getRed();
                faded[t * plane + i + 1] = (byte) bg.getGreen();
                faded[t * plane + i + 2] = (byte) bg.getBlue();
            }
        }
        Clip fading = new Clip(stayClip.frames(), stayClip.height(), stayClip.width(), stayClip.fps(), faded);
        Map<String, Double> t = Dynamics.tracked(List.of(
                new Evaluation.Generated(stay.combo(), "p", false, stayClip, null),
                new Evaluation.Generated(stay.combo(), "p", false, fading, null),
                new Evaluation.Generated(grow.combo(), "p", false, world.render(grow), null)));
        assertEquals(2.0, t.get("size_kept_of"), "a growing object is asked to change its size");
        assertEquals(1.0, t.get("size_kept"), "the one that faded out did not keep it");
    }

    @Test
    void aLongVideoCountsObjectsThatSwellAndThoseThatLeaveAndThoseReplacedAfterLeaving() {
        // 5 px squares; frames are 32 px across. Gone from frame 30 (x0 = 32): the truth, it leaves and stays gone.
        Clip leaves = longClip(t -> new int[]{t + 2, 14, 5});
        // the same until it leaves, then a blob at the centre that swells from 2 to 16 px across
        Clip repainted = longClip(t -> t < 34 ? new int[]{t + 2, 14, 5} : new int[]{16 - (t - 34) / 3, 16 - (t - 34) / 3, 2 + (t - 34) * 2 / 3});
        Clip stays = longClip(t -> new int[]{10, 10, 5});
        Map<String, Double> r = Dynamics.longVideo(List.of(leaves, repainted, stays));
        assertEquals(64.0, r.get("frames"));
        assertEquals(3.0, r.get("clips"));
        assertEquals(2.0, r.get("left_the_picture"), "the two that went off the right edge");
        assertEquals(1.0, r.get("painted_back"), "something came back where only the repainted one's object was gone");
        assertEquals(1.0, r.get("swelled"), "a 16 px blob is ten times a 5 px square");
    }

    /** 64 frames of 32 x 32 black with a red square per frame at {x0, y0, side} (clipped to the picture). */
    private static Clip longClip(java.util.function.IntFunction<int[]> square) {
        int n = 32, frames = 64;
        byte[] rgb = new byte[frames * n * n * 3];
        for (int t = 0; t < frames; t++) {
            int[] q = square.apply(t);
            for (int y = Math.max(0, q[1]); y < Math.min(n, q[1] + q[2]); y++) {
                for (int x = Math.max(0, q[0]); x < Math.min(n, q[0] + q[2]); x++) {
                    rgb[((t * n + y) * n + x) * 3] = (byte) 220;
                }
            }
        }
        return new Clip(frames, n, n, 8, rgb);
    }

    /** A red square on black going left 1 px a frame, its side growing evenly from {@code from} to {@code to} px. */
    private static Clip squareGoingLeft(int from, int to) {
        int n = 32, frames = 16;
        byte[] rgb = new byte[frames * n * n * 3];
        for (int t = 0; t < frames; t++) {
            int side = from + Math.round((to - from) * t / (float) (frames - 1));
            int x0 = 24 - t - side / 2;
            int y0 = 16 - side / 2;
            for (int y = Math.max(0, y0); y < Math.min(n, y0 + side); y++) {
                for (int x = Math.max(0, x0); x < Math.min(n, x0 + side); x++) {
                    rgb[((t * n + y) * n + x) * 3] = (byte) 220;
                }
            }
        }
        return new Clip(frames, n, n, 8, rgb);
    }
}
