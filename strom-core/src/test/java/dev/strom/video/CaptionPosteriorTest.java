package dev.strom.video;

import dev.strom.flow.train.TrainingObjective;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading a clip zero-shot: given a few captions, how probable is each as the one the clip was made from? Bayes'
 * rule on the exact likelihoods, with every caption equally likely beforehand.
 */
class CaptionPosteriorTest {

    private static final int FRAMES = 2;
    private static final int SIZE = 4;

    @Test
    void eachCaptionsShareIsBayesRuleOnTheLikelihoodsOfTheNoiseAugmentedClip() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clip(model, FRAMES, 1);
            List<String> captions = List.of("moving left", "moving right", "ein Fisch");
            double[] p = model.likelihood().captionPosterior(clip, 0, captions, 1, 3);
            // the contrast reads the same clip under the same noise draw: its log-likelihoods give the odds
            float[] ll = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 0, List.of(captions), new Random(3), null)
                    .logLikelihoods().toFloatArray();
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-9);
            for (int i = 1; i < 3; i++) {
                assertEquals(ll[0] - ll[i], Math.log(p[0] / p[i]), 1e-3, "log odds of caption 0 against " + i);
            }
            assertTrue(Math.abs(p[0] - p[1]) > 1e-4, "the words make a difference: " + Arrays.toString(p));
        }
    }

    @Test
    void overSeveralNoiseDrawsEachCaptionsLogLikelihoodIsTheMeanOverThem() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clip(model, FRAMES, 6);
            List<String> captions = List.of("moving left", "moving right");
            double[] p = model.likelihood().captionPosterior(clip, 0, captions, 2, 8);
            // the same two draws, one after the other from the same generator
            Random rng = new Random(8);
            float[] first = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 0, List.of(captions), rng, null).logLikelihoods().toFloatArray();
            float[] second = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 0, List.of(captions), rng, null).logLikelihoods().toFloatArray();
            double odds = (first[0] + second[0]) / 2 - (first[1] + second[1]) / 2;
            assertEquals(odds, Math.log(p[0] / p[1]), 1e-3);
            assertTrue(Math.abs(first[0] - second[0]) > 1e-3, "the draws differ");
        }
    }

    @Test
    void readFromALaterFrameOnlyThoseFramesCountEachGivenTheOnesBefore() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clip(model, FRAMES, 9);
            List<String> captions = List.of("moving left", "moving right", "ein Fisch");
            double[] rest = model.likelihood().captionPosterior(clip, 1, captions, 1, 4);
            float[] ll = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 1, List.of(captions), new Random(4), null)
                    .logLikelihoods().toFloatArray();
            for (int i = 1; i < 3; i++) {
                assertEquals(ll[0] - ll[i], Math.log(rest[0] / rest[i]), 1e-3, "log odds of the last frame, caption 0 against " + i);
            }
            double[] whole = model.likelihood().captionPosterior(clip, 0, captions, 1, 4);
            assertTrue(Math.abs(Math.log(whole[0] / whole[1]) - Math.log(rest[0] / rest[1])) > 1e-4,
                    "the first frame's likelihood is left out: " + Arrays.toString(whole) + " " + Arrays.toString(rest));
            assertThrows(IllegalArgumentException.class, () -> model.likelihood().captionPosterior(clip, FRAMES, captions, 1, 4),
                    "nothing left to read");
        }
    }

    @Test
    void theOddsOfTwoCaptionsDoNotDependOnWhichOthersAreAsked() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clip(model, FRAMES, 2);
            // more captions than one forward pass reads
            List<String> many = IntStream.range(0, 11).mapToObj(i -> "caption number " + i).toList();
            double[] all = model.likelihood().captionPosterior(clip, 0, many, 2, 5);
            double[] two = model.likelihood().captionPosterior(clip, 0, List.of(many.get(1), many.get(10)), 2, 5);
            assertEquals(Math.log(two[0] / two[1]), Math.log(all[1] / all[10]), 1e-3);
            double[] swapped = model.likelihood().captionPosterior(clip, 0, List.of(many.get(10), many.get(1)), 2, 5);
            assertEquals(two[0], swapped[1], 1e-9);
        }
    }

    @Test
    void theSameWordsTwiceGetTheSameShare() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            double[] p = model.likelihood().captionPosterior(clip(model, FRAMES, 3), 0, List.of("a red apple", "a red apple", "ein Fisch"), 3, 1);
            assertEquals(p[0], p[1], 1e-9);
        }
    }

    @Test
    void aClipLongerThanTheModelIsReadByItsFirstWindow() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] longer = clip(model, 3 * FRAMES, 4);
            List<String> captions = List.of("moving left", "moving right");
            assertEquals(model.likelihood().captionPosterior(Arrays.copyOf(longer, model.spec().dims(FRAMES)), 0, captions, 2, 7)[0],
                    model.likelihood().captionPosterior(longer, 0, captions, 2, 7)[0], 1e-9);
        }
    }

    @Test
    void oneCaptionOrAPartFrameIsRefused() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clip(model, FRAMES, 5);
            assertThrows(IllegalArgumentException.class, () -> model.likelihood().captionPosterior(clip, 0, List.of("only one"), 1, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> model.likelihood().captionPosterior(Arrays.copyOf(clip, clip.length - 1), 0, List.of("a", "b"), 1, 0));
            assertThrows(IllegalArgumentException.class, () -> model.likelihood().captionPosterior(clip, 0, List.of("a", "b"), 0, 0), "no draw");
        }
    }

    private static float[] clip(VideoModel model, int frames, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[model.spec().dims(frames)];
        for (int j = 0; j < x.length; j++) {
            x[j] = rng.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static TrainingObjective objective(VideoModel model) {
        return new TrainingObjective(model.flow(), model.text());
    }
}
