package dev.strom.video;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemixTest {

    private static final int WINDOW = 4;
    private static final int SIZE = 4;
    private static final String CAPTION = "a red apple moving left";

    @Test
    void underItsOwnCaptionWithoutGuidanceARemixIsTheSourceAgainWindowAfterWindow() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, WINDOW, SIZE, 0)) {
            float[] source = clip(model, 9, 5); // three windows
            float[] remix = model.sampler().sample(generation(CAPTION, 0f, 7, source, CAPTION), null);
            assertTrue(maxGap(source, remix) < 1e-3, "the flow maps the source to its noise and back: gap " + maxGap(source, remix));
        }
    }

    @Test
    void theNoiseIsTheSourcesOwnSoTheSeedOnlyDrawsTheNoiseAugmentation() {
        try (NDManager m = NDManager.newBaseManager()) {
            try (VideoModel clean = VideoFixtures.model(m, WINDOW, SIZE, 0)) {
                float[] source = clip(clean, 6, 6);
                assertArrayEquals(clean.sampler().sample(generation("a blue ball", 4f, 1, source, CAPTION), null),
                        clean.sampler().sample(generation("a blue ball", 4f, 2, source, CAPTION), null), 1e-5f,
                        "without noise augmentation nothing is left to chance");
            }
            try (VideoModel noisy = VideoFixtures.model(m, WINDOW, SIZE, 0.1)) {
                float[] source = clip(noisy, 6, 6);
                float[] a = noisy.sampler().sample(generation("a blue ball", 4f, 1, source, CAPTION), null);
                assertArrayEquals(a, noisy.sampler().sample(generation("a blue ball", 4f, 1, source, CAPTION), null), "same seed, same remix");
            }
        }
    }

    @Test
    void anotherPromptChangesTheRemixAndMoreGuidanceChangesItMore() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, WINDOW, SIZE, 0)) {
            float[] source = clip(model, WINDOW, 8);
            double mild = maxGap(source, model.sampler().sample(generation("a blue ball", 1f, 7, source, CAPTION), null));
            double strong = maxGap(source, model.sampler().sample(generation("a blue ball", 4f, 7, source, CAPTION), null));
            assertTrue(mild > 1e-3 && strong > mild, "gap from the source at guidance 1: " + mild + ", at 4: " + strong);
        }
    }

    @Test
    void aRemixNeedsWholeSourceFramesAndACaptionForThem() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, WINDOW, SIZE, 0)) {
            int plane = model.spec().dims(1);
            var partial = assertThrows(IllegalArgumentException.class,
                    () -> model.sampler().sample(generation(CAPTION, 1f, 1, new float[plane + 1], CAPTION), null));
            assertTrue(partial.getMessage().contains("whole"), partial.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.sampler().sample(generation(CAPTION, 1f, 1, clip(model, 2, 1), null), null));
        }
    }

    private static float[] clip(VideoModel model, int frames, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[frames * model.spec().dims(1)];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(256) / 127.5f - 1;
        }
        return x;
    }

    private static Generation generation(String prompt, float guidance, long seed, float[] source, String sourceCaption) {
        return Generation.remix(prompt, seed, new Sampling(guidance, 1f, Sampling.Inversion.SEQUENTIAL, false), source, sourceCaption);
    }

    private static double maxGap(float[] a, float[] b) {
        double gap = 0;
        for (int i = 0; i < a.length; i++) {
            gap = Math.max(gap, Math.abs(a[i] - b[i]));
        }
        return gap;
    }
}
