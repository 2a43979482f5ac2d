package dev.strom.eval;

import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Captions;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Scene;
import dev.strom.data.world.WorldDataset;
import dev.strom.video.Generation;
import dev.strom.video.VideoModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * How much the model's words decide, read off its exact likelihood: a held-out clip's opening (first two
 * frames) is scored under captions that differ only in the motion, the object or the background; the rest of the
 * clip, given its opening, under captions that differ in the motion (does the text keep the object going the
 * named way?); and an edit's first edited frame, given its source, under every instruction the pair could have
 * had. The share where the true words are the most likely is the model's zero-shot accuracy. These are the
 * decisions sampling has to get right, and the ones the likelihood alone weighs least. Frames are
 * noise-augmented as in training (the regime the model samples in; its context frames get the same noise), each
 * clip read under a few noise draws ({@link #DRAWS} in the evaluation), every draw shared by all of its candidates.
 */
public final class CaptionChoice {

    private static final int OPENING = 2;

    /**
     * Noise draws the evaluation reads a clip under. One draw's verdict varies with the draw (three seeds read 16,
     * 15 and 20 of 24 held-out openings of the stage-6 model); the mean log-likelihood over four is what
     * {@code strom classify} reads by default.
     */
    public static final int DRAWS = 4;

    private CaptionChoice() {
    }

    /** Accuracies, and what guessing would score, over held-out openings and {@code edits} edits, each read under {@code draws} noise draws. */
    public static Map<String, Double> measure(VideoModel model, WorldDataset data, EditPairs pairs, int edits, int draws) {
        if (draws < 1) {
            throw new IllegalArgumentException("at least one noise draw is needed, got " + draws);
        }
        int plane = model.spec().dims(1);
        double[] hits = new double[5];
        double[] chance = new double[5];
        List<WorldDataset.Sample> held = data.heldOut(false, 2);
        for (int j = 0; j < held.size(); j++) {
            Scene s = held.get(j).scene();
            boolean german = j % 2 == 1;
            long template = j;
            Function<Scene, String> caption = x -> Captions.of(x, german, new Random(template));
            float[] clip = held.get(j).clip().toModelLayout();
            float[] opening = Arrays.copyOf(clip, OPENING * plane);
            List<String> motions = candidates(s, CaptionedWorld.otherMotions(s), caption);
            List<List<String>> openingCandidates = List.of(motions, candidates(s, CaptionedWorld.otherObjects(s), caption),
                    candidates(s, CaptionedWorld.otherBackgrounds(s), caption));
            for (int a = 0; a < 3; a++) {
                hits[a] += firstIsMostLikely(model, opening, OPENING, 0, openingCandidates.get(a), j, draws);
                chance[a] += 1.0 / openingCandidates.get(a).size();
            }
            hits[3] += firstIsMostLikely(model, clip, model.spec().frames(), OPENING, motions, j, draws);
            chance[3] += 1.0 / motions.size();
        }
        int half = model.editSourceFrames();
        for (int i = 0; i < edits; i++) {
            EditPairs.Pair p = pairs.pair(i);
            float[] both = p.excerpt(0, half, 1);
            List<String> candidates = new ArrayList<>(List.of(Generation.editCaption(p.instruction())));
            p.otherInstructions().stream().map(Generation::editCaption).forEach(candidates::add);
            hits[4] += firstIsMostLikely(model, both, half + 1, half, candidates, i, draws);
            chance[4] += 1.0 / candidates.size();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        String[] names = {"motion_from_opening", "object_from_opening", "background_from_opening",
                "motion_from_continuation"};
        for (int a = 0; a < 4; a++) {
            out.put(names[a], hits[a] / held.size());
            out.put(names[a] + "_chance", chance[a] / held.size());
        }
        out.put("openings", (double) held.size());
        out.put("draws", (double) draws);
        if (edits > 0) {
            out.put("edit_result_from_first_frame", hits[4] / edits);
            out.put("edit_result_from_first_frame_chance", chance[4] / edits);
            out.put("edits", (double) edits);
        }
        return out;
    }

    /** The scene's own caption, then those of the other scenes that read differently. */
    private static List<String> candidates(Scene s, List<Scene> others, Function<Scene, String> caption) {
        List<String> out = new ArrayList<>(List.of(caption.apply(s)));
        others.stream().map(caption).filter(c -> !c.equals(out.get(0))).forEach(out::add);
        return out;
    }

    /**
     * Whether frames {@code scoredFrom} onward of the clip's first {@code frames}, given those before, are most
     * likely under the first candidate ({@link dev.strom.video.Likelihood#captionPosterior}: the mean log-likelihood over
     * {@code draws} noise draws, each shared by all candidates); a tie is a miss.
     */
    private static double firstIsMostLikely(VideoModel model, float[] clip, int frames, int scoredFrom,
                                            List<String> candidates, long seed, int draws) {
        float[] read = Arrays.copyOf(clip, model.spec().dims(frames));
        double[] p = model.likelihood().captionPosterior(read, scoredFrom, candidates, draws, seed);
        for (int c = 1; c < p.length; c++) {
            if (p[c] >= p[0]) {
                return 0;
            }
        }
        return 1;
    }
}
