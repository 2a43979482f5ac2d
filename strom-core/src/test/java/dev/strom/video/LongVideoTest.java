package dev.strom.video;

import ai.djl.ndarray.NDManager;
import dev.strom.flow.JacobiInverse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.stream.IntStream;

/**
 * Videos longer than the training length are made window by window with context frames, so the work per
 * frame does not grow with length; frames stream out as their window finishes; given opening frames stay.
 */
class LongVideoTest {

    private static final int WINDOW = 4;
    private static final int SIZE = 4;

    @Test
    void aVideoFourTimesTheTrainingLengthIsMadeOfWindowsNoLongerThanIt() {
        // 16-frame windows, 8 of context: the first window makes 16 frames, every later one 8
        assertEquals(1, Sampler.windowsFor(16, 0, 16));
        assertEquals(7, Sampler.windowsFor(64, 0, 16));
        assertEquals(15, Sampler.windowsFor(128, 0, 16), "twice the length, about twice the windows");
        // image-to-video: one given frame, one window; extension of 16 frames by 16: two windows
        assertEquals(1, Sampler.windowsFor(16, 1, 16));
        assertEquals(2, Sampler.windowsFor(32, 16, 16));
    }

    @Test
    void everyFrameStreamsOutAsADraftTheMomentItIsMadeThenFinalWhenItsWindowIsDone() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            float[] finals = new float[13 * plane];
            List<Integer> drafts = new ArrayList<>();
            List<int[]> finalCalls = new ArrayList<>();
            float[] video = model.sampler().sample(generation(13, null), SampleListener.of(null, (first, count, frames, draft) -> {
                if (draft) {
                    assertEquals(1, count, "drafts come one frame at a time");
                    drafts.add(first);
                } else {
                    finalCalls.add(new int[]{first, count});
                    System.arraycopy(frames, 0, finals, first * plane, count * plane);
                    for (int t = first; t < first + count; t++) {
                        assertTrue(drafts.contains(t), "frame " + t + " was drafted before its window finished");
                    }
                }
            }));
            assertEquals(IntStream.range(0, 13).boxed().toList(), drafts, "each frame drafted once, in order");
            int next = 0;
            for (int[] c : finalCalls) {
                assertEquals(next, c[0], "final frames arrive in order, none skipped");
                assertTrue(c[1] <= WINDOW, "a call delivers at most one window");
                next += c[1];
            }
            assertEquals(13, next);
            assertEquals(Sampler.windowsFor(13, 0, WINDOW), finalCalls.size());
            assertArrayEquals(video, finals);
        }
    }

    @Test
    void anEditStreamsItsOwnFramesAtTheSourcesPlaces() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            float[] source = new float[5 * plane];
            Random rng = new Random(4);
            for (int i = 0; i < source.length; i++) {
                source[i] = rng.nextFloat() * 2 - 1;
            }
            List<Integer> drafts = new ArrayList<>();
            float[] finals = new float[source.length];
            float[] edited = model.sampler().sample(Generation.edit("a red apple", 7, SAMPLING, source), SampleListener.of(null, (first, count, frames, draft) -> {
                if (draft) {
                    drafts.add(first);
                } else {
                    System.arraycopy(frames, 0, finals, first * plane, count * plane);
                }
            }));
            assertEquals(IntStream.range(0, 5).boxed().toList(), drafts, "each edited frame drafted once, in order");
            assertArrayEquals(edited, finals);
        }
    }

    @Test
    void aDraftIsTheFrameTheFlowMadeBeforeDenoising() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            float[] drafted = new float[WINDOW * plane];
            var g = Generation.text("a red apple", 7, WINDOW, new Sampling(1.5f, 1f, Sampling.Inversion.jacobi(4, 8, 0), false));
            float[] video = model.sampler().sample(g, SampleListener.of(null, (first, count, frames, draft) -> {
                if (draft) {
                    System.arraycopy(frames, 0, drafted, first * plane, plane);
                }
            }));
            // without denoising, one window: the finished clip is exactly the drafts, up to float rounding
            double gap = 0;
            for (int i = 0; i < video.length; i++) {
                gap = Math.max(gap, Math.abs(video[i] - drafted[i]));
            }
            assertTrue(gap < 1e-4, "drafts differ from the finished frames by " + gap);
        }
    }

    @Test
    void aModelTrainedOnExtendWindowsMakesTheWindowsThatContinueMidClipUnderTheExtendCaption() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            float[] plain = model.sampler().sample(generation(10, null), null);
            float[] marked = model.sampler().sample(Generation.continuing("a red apple", 7, 10,
                    SAMPLING.withExtendMarker(true), null), null);
            // the first window starts at frame 0: the same caption, the same frames
            assertArrayEquals(Arrays.copyOf(plain, WINDOW * plane), Arrays.copyOf(marked, WINDOW * plane));
            // the next window's context starts mid-clip: "(extend) a red apple" makes other frames
            assertTrue(!Arrays.equals(Arrays.copyOfRange(plain, WINDOW * plane, 10 * plane),
                    Arrays.copyOfRange(marked, WINDOW * plane, 10 * plane)), "later windows are made under the marked caption");
            assertEquals("(extend) a red apple", SAMPLING.withExtendMarker(true).windowCaption("a red apple", 2));
            assertEquals("a red apple", SAMPLING.withExtendMarker(true).windowCaption("a red apple", 0));
            assertEquals("a red apple", SAMPLING.windowCaption("a red apple", 2), "a model trained without them keeps its caption");
        }
    }

    @Test
    void givenOpeningFramesComeBackUnchangedAndTheRestIsNew() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            Random rng = new Random(3);
            float[] opening = new float[3 * plane];
            for (int i = 0; i < opening.length; i++) {
                opening[i] = Math.round((rng.nextFloat() * 2 - 1) * 127.5f) / 127.5f;
            }
            float[] video = model.sampler().sample(generation(9, opening), null);
            assertArrayEquals(opening, Arrays.copyOf(video, opening.length), "the opening frames are kept bit for bit");
            float[] again = model.sampler().sample(generation(9, opening), null);
            assertArrayEquals(video, again, "same seed, same video");
            float[] plain = model.sampler().sample(generation(9, null), null);
            assertTrue(!Arrays.equals(Arrays.copyOfRange(plain, 3 * plane, 4 * plane), Arrays.copyOfRange(video, 3 * plane, 4 * plane)),
                    "the frame after the opening depends on it");
        }
    }

    @Test
    void anOpeningAsLongAsTheVideoOrNotMadeOfWholeFramesIsRejected() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            var e = assertThrows(IllegalArgumentException.class, () -> model.sampler().sample(generation(2, new float[2 * plane]), null));
            assertTrue(e.getMessage().contains("between 1 and 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.sampler().sample(generation(5, new float[plane + 1]), null));
        }
    }

    @Test
    void aClipUpToTheTrainingLengthScoresAsInABatch() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            float[] clip = eightBit(new Random(31), WINDOW * model.spec().dims(1));
            double alone = model.likelihood().bitsPerDim(clip, "a red apple", 5);
            double batch = model.likelihood().bitsPerDim(List.of(clip), WINDOW, List.of("a red apple"), 5)[0];
            assertEquals(batch, alone, 1e-9);
        }
    }

    @Test
    void aLongClipIsScoredWindowByWindowAndLaterWindowsSeeOnlyTheirContext() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = model(m)) {
            int plane = model.spec().dims(1);
            // 4-frame windows, 2 of context: windows cover frames 0-3, then 4-5 given 2-3, then 6-7 given 4-5
            float[] a = eightBit(new Random(32), 8 * plane);
            float[] b = a.clone();
            float[] other = eightBit(new Random(33), 2 * plane);
            System.arraycopy(other, 0, b, 0, 2 * plane);
            // frames 0-1 differ: only the first window's term can change
            double longA = model.likelihood().bitsPerDim(a, null, 5);
            double longB = model.likelihood().bitsPerDim(b, null, 5);
            double firstA = model.likelihood().bitsPerDim(Arrays.copyOf(a, WINDOW * plane), null, 5) * WINDOW * plane;
            double firstB = model.likelihood().bitsPerDim(Arrays.copyOf(b, WINDOW * plane), null, 5) * WINDOW * plane;
            assertEquals(firstA - firstB, (longA - longB) * 8 * plane, 1e-2 * Math.abs(firstA - firstB) + 1e-3,
                    "frames outside a later window's context do not enter its term");
            assertTrue(Math.abs(firstA - firstB) > 1, "the two clips do score differently");
            float[] c = a.clone();
            System.arraycopy(other, 0, c, 6 * plane, 2 * plane);
            assertTrue(model.likelihood().bitsPerDim(c, null, 5) != longA, "the last frames are scored too");
        }
    }

    /** Random values on the 8-bit grid in [-1, 1]. */
    private static float[] eightBit(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(256) / 127.5f - 1;
        }
        return x;
    }

    private static final Sampling SAMPLING = new Sampling(1.5f, 1f, Sampling.Inversion.jacobi(4, 8, 1e-3), false);

    private static Generation generation(int frames, float[] opening) {
        return Generation.continuing("a red apple", 7, frames, SAMPLING, opening);
    }

    private static VideoModel model(NDManager m) {
        return VideoFixtures.model(m, WINDOW, SIZE);
    }
}
