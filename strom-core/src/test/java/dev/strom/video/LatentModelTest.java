package dev.strom.video;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A latent model (the flow on a causal video autoencoder's latents) makes and reads pixel clips like a pixel
 * model: the still stays frame 0, long clips are made in latent windows, drafts stream, and likelihoods compare
 * candidates for the next latent frame under one noise draw.
 */
class LatentModelTest {

    private static final int FRAMES = 9;
    private static final int SIZE = 16;
    private static final Sampling SAMPLING = Sampling.FALLBACK.withTemperature(0.7f);

    private static float[] randomFrames(VideoModel model, int frames, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[model.spec().dims(frames)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round((float) (rng.nextDouble() * 2 - 1) * 127.5f) / 127.5f;
        }
        return v;
    }

    @Test
    void textToVideoMakesThePixelFramesAskedForAndTheSameSeedMakesTheSameClip() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] a = model.sampler().sample(Generation.text("a red ball", 3, FRAMES, SAMPLING), null);
            assertEquals(model.spec().dims(FRAMES), a.length);
            assertArrayEquals(a, model.sampler().sample(Generation.text("a red ball", 3, FRAMES, SAMPLING), null));
            assertThrows(IllegalArgumentException.class,
                    () -> model.sampler().sample(Generation.text("a red ball", 3, 8, SAMPLING), null),
                    "8 frames do not end where a latent frame does");
        }
    }

    @Test
    void aClipCutAfterAFrameEndsWhereTheLatentFrameHoldingItEnds() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            // frame 0 is encoded alone; latent frame k >= 1 holds pixel frames 4k-3 .. 4k
            assertEquals(1, model.framesThroughFlowFrameOf(0));
            assertEquals(5, model.framesThroughFlowFrameOf(1));
            assertEquals(5, model.framesThroughFlowFrameOf(4));
            assertEquals(9, model.framesThroughFlowFrameOf(5));
            assertEquals(9, model.framesThroughFlowFrameOf(8));
        }
    }

    @Test
    void theStillStaysFrameZeroOfImageToVideo() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] still = randomFrames(model, 1, 5);
            float[] clip = model.sampler().sample(Generation.continuing("a red ball", 3, FRAMES, SAMPLING, still), null);
            assertArrayEquals(still, Arrays.copyOf(clip, still.length));
        }
    }

    @Test
    void aLongClipIsMadeInLatentWindowsAndStartsAsTheShortClipWithTheSameSeed() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] shortClip = model.sampler().sample(Generation.text("a red ball", 4, FRAMES, SAMPLING), null);
            float[] longClip = model.sampler().sample(Generation.text("a red ball", 4, 25, SAMPLING), null);
            assertEquals(model.spec().dims(25), longClip.length);
            // the decoder is causal, so the first window's frames do not depend on what comes after them
            assertArrayEquals(shortClip, Arrays.copyOf(longClip, shortClip.length), 1e-5f);
        }
    }

    @Test
    void draftsStreamLatentFrameByLatentFrameAndFinalFramesArriveInOrder() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            List<int[]> drafts = new ArrayList<>();
            List<int[]> finals = new ArrayList<>();
            float[] clip = model.sampler().sample(Generation.text("a red ball", 4, 17, SAMPLING), SampleListener.of(null,
                    (first, count, frames, draft) -> (draft ? drafts : finals).add(new int[]{first, count})));
            // latent frames 0..4: frame 0 alone, then four frames each
            assertEquals(List.of("0+1", "1+4", "5+4", "9+4", "13+4"), drafts.stream().map(d -> d[0] + "+" + d[1]).toList());
            int next = 0;
            for (int[] f : finals) {
                assertEquals(next, f[0], "final frames in order, none skipped");
                next = f[0] + f[1];
            }
            assertEquals(17, next);
            assertEquals(model.spec().dims(17), clip.length);
        }
    }

    @Test
    void editSaysItIsNotYetPossible() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] source = randomFrames(model, FRAMES, 6);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.sampler().sample(Generation.edit("make it blue", 1, SAMPLING, source), null));
            assertTrue(e.getMessage().contains("not yet possible with a latent model"), e.getMessage());
        }
    }

    @Test
    void aRemixUnderTheSourceCaptionKeepsTheSourceFarCloserThanAFreshClip() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] source = randomFrames(model, 17, 6);
            Sampling exact = new Sampling(0f, 1f, Sampling.Inversion.SEQUENTIAL, false);
            float[] remix = model.sampler().sample(Generation.remix("a red ball", 2, exact, source, "a red ball"), null);
            float[] fresh = model.sampler().sample(Generation.text("a red ball", 2, 17, exact), null);
            // the source as the autoencoder gives it back: what a remix that changes nothing can at best return
            var ae = model.autoencoder().orElseThrow();
            float[] again = ae.decode(ae.encode(m.create(source, new ai.djl.ndarray.types.Shape(1, 17, 3, SIZE, SIZE)))).toFloatArray();
            assertEquals(source.length, remix.length);
            double toRemix = meanAbsDiff(remix, again);
            double toFresh = meanAbsDiff(fresh, again);
            assertTrue(toRemix < toFresh / 3, "remix " + toRemix + " vs fresh clip " + toFresh + " from the source's reconstruction");
        }
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    @Test
    void nextFrameCandidatesAreWholeLatentFramesReadUnderTheSameNoise() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            int plane = model.spec().dims(1);
            float[] clip = randomFrames(model, FRAMES, 7);
            float[] past = Arrays.copyOf(clip, 5 * plane);
            float[] truth = Arrays.copyOfRange(clip, 5 * plane, 9 * plane);
            float[] held = new float[4 * plane];
            for (int k = 0; k < 4; k++) {
                System.arraycopy(clip, 4 * plane, held, k * plane, plane);
            }
            double[] bits = model.likelihood().nextFrameBits(past, List.of(truth, held, truth), "a red ball", 2, 9);
            assertEquals(bits[0], bits[2], 1e-9, "the same candidate under the same noise costs the same");
            assertNotEquals(bits[0], bits[1]);
            assertThrows(IllegalArgumentException.class,
                    () -> model.likelihood().nextFrameBits(past, List.of(Arrays.copyOf(truth, plane)), "a red ball", 1, 9),
                    "a latent model codes four frames a step");
        }
    }

    @Test
    void bitsPerDimAreOfTheLatentAndTheCaptionReadingWorks() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.latentModel(m, FRAMES, SIZE)) {
            float[] clip = randomFrames(model, FRAMES, 8);
            double bpd = model.likelihood().bitsPerDim(List.of(clip), FRAMES, List.of("a red ball"), 1)[0];
            assertTrue(Double.isFinite(bpd), "bits/dim " + bpd);
            assertEquals(3L * 4 * 4 * 4, model.flowDims(FRAMES), "three latent frames of 4 channels at 4x4");
            double[] p = model.likelihood().captionPosterior(clip, 5, List.of("a red ball", "a blue cube"), 1, 2);
            assertEquals(1.0, p[0] + p[1], 1e-9);
        }
    }
}
