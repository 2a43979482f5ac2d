package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.ForwardPass;
import dev.strom.flow.SequentialInverse;
import dev.strom.flow.MotionCompensation;
import dev.strom.flow.StarFlow;
import dev.strom.text.TextEncoder;
import java.util.Map;
import dev.strom.video.VideoFixtures;
import dev.strom.video.VideoModel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * Caption contrast: a clip is scored under its own caption and under wrong ones, and the model learns to tell
 * which caption it was made from by its own likelihood, so that the few tokens the text decides get a say in
 * training that the likelihood alone does not give them.
 */
class TrainingObjectiveTest {

    private static final int FRAMES = 2;
    private static final int SIZE = 4;

    @Test
    void theCrossEntropyIsThatOfPickingTheTrueCaptionByLikelihood() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two clips, two candidates each; per-row loss = 0.5 mean(z^2) (log-dets zero), D = 3 per row
            float[][] z = {{1, 0, 0}, {2, 0, 0}, {0, 0, 0}, {0.5f, 0.5f, 0}};
            float[] flat = new float[12];
            for (int r = 0; r < 4; r++) {
                System.arraycopy(z[r], 0, flat, 3 * r, 3);
            }
            NDArray zs = m.create(flat, new Shape(4, 3));
            ForwardPass pass = new ForwardPass(zs, List.of(zs), List.of(zs.zerosLike()), List.of(), null);
            double expected = 0;
            for (int clip = 0; clip < 2; clip++) {
                // log p = -D * loss = -0.5 * sum(z^2)
                double own = -0.5 * sq(z[2 * clip]);
                double other = -0.5 * sq(z[2 * clip + 1]);
                expected += -(own - Math.log(Math.exp(own) + Math.exp(other)));
            }
            NDArray logLikelihoods = FlowLoss.captionLogLikelihoods(pass.lossPerSample(), 3, 2);
            assertEquals(-0.5 * sq(z[1]), logLikelihoods.getFloat(0, 1), 1e-5, "clip 0 under its wrong caption");
            assertEquals(expected / 2, FlowLoss.captionContrast(logLikelihoods).getFloat(), 1e-5);
        }
    }

    @Test
    void underItsOwnCaptionTheObjectiveIsTheLikelihoodLoss() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            List<float[]> clips = clips(model, 2, 1);
            double[] nllContrast = new double[1];
            double[] nllPlain = new double[1];
            float contrast = objective(model).captionContrast(model.stack(clips, FRAMES), 0, List.of(List.of("a red apple", "a blue fish"),
                    List.of("a green star", "a red apple")), new Random(5), nllContrast).loss().getFloat();
            float plain = objective(model).loss(model.stack(clips, FRAMES), List.of("a red apple", "a green star"), CaptionDropout.NONE, new Random(5), nllPlain).getFloat();
            assertEquals(plain, contrast, 1e-5);
            assertEquals(nllPlain[0], nllContrast[0], 1e-5);
        }
    }

    @Test
    void aClipUnderCandidatesThatSayTheSameCannotBeToldApart() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float ce = objective(model).captionContrast(model.stack(clips(model, 2, 2), FRAMES), 0, List.of(List.of("a red apple", "a red apple", "a red apple"),
                    List.of("ein Fisch", "ein Fisch", "ein Fisch")), new Random(1), null).crossEntropy().getFloat();
            assertEquals(Math.log(3), ce, 1e-4, "the same caption three times: one in three");
            assertEquals(0, objective(model).captionContrast(model.stack(clips(model, 2, 2), FRAMES), 0, List.of(List.of("a", "a"), List.of("b", "b")), new Random(1), null).accuracy(), "a tie is not a correct choice");
        }
    }

    @Test
    void aFewStepsOnTheContrastTeachTheModelWhichCaptionAClipHas() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            List<float[]> clips = clips(model, 4, 3);
            List<List<String>> candidates = List.of(
                    List.of("moving left", "moving right"), List.of("moving right", "moving left"),
                    List.of("moving left", "moving right"), List.of("moving right", "moving left"));
            float before = objective(model).captionContrast(model.stack(clips, FRAMES), 0, candidates, new Random(9), null).crossEntropy().getFloat();
            TrainStep step = new TrainStep(model.parameters(), TrainSettings.starflow(3e-3f, 0, 100));
            for (int i = 0; i < 5; i++) {
                step.run(() -> objective(model).captionContrast(model.stack(clips, FRAMES), 0, candidates, new Random(9), null).crossEntropy());
            }
            float after = objective(model).captionContrast(model.stack(clips, FRAMES), 0, candidates, new Random(9), null).crossEntropy().getFloat();
            assertTrue(after < before - 0.1, "cross-entropy " + before + " -> " + after);
        }
    }

    @Test
    void fromALaterFrameTheContrastReadsTheContinuationGivenTheOpening() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            float[] clip = clips(model, 1, 6).get(0);
            List<List<String>> candidates = List.of(List.of("moving left", "moving right", "ein Fisch"));
            float[] whole = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 0, candidates, new Random(3), null)
                    .logLikelihoods().toFloatArray();
            float[] continuation = objective(model).captionContrast(model.stack(List.of(clip), FRAMES), 1, candidates, new Random(3), null)
                    .logLikelihoods().toFloatArray();
            float[] opening = objective(model).captionContrast(model.stack(List.of(Arrays.copyOf(clip, model.spec().dims(1))), 1), 0, candidates, new Random(3), null).logLikelihoods().toFloatArray();
            for (int c = 0; c < 3; c++) {
                // the flow is causal in time: log p(x | y) = log p(x_0 | y) + log p(x_1 | x_0, y)
                assertEquals(whole[c], opening[c] + continuation[c], 2e-3, "candidate " + c);
            }
            assertTrue(Math.abs(continuation[0] - continuation[1]) > 1e-3, "the caption still weighs on the continuation");
        }
    }

    @Test
    void everyClipNeedsTheSameNumberOfCandidatesAndAtLeastTwo() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            List<float[]> clips = clips(model, 2, 4);
            assertThrows(IllegalArgumentException.class, () -> objective(model).captionContrast(model.stack(clips, FRAMES), 0, List.of(List.of("a"), List.of("b")), new Random(1), null));
            assertThrows(IllegalArgumentException.class, () -> objective(model).captionContrast(model.stack(clips, FRAMES), 0, List.of(List.of("a", "b"), List.of("b", "c", "d")), new Random(1), null));
            assertThrows(IllegalArgumentException.class, () -> objective(model).captionContrast(model.stack(clips, FRAMES), FRAMES, List.of(List.of("a", "b"), List.of("b", "c")), new Random(1), null), "no frame left to score");
        }
    }

    @Test
    void theModelsOwnFramesAreItsSampleAfterTheTruePastAndTheTrueFramesAfterThemStay() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, 4, SIZE)) {
            TrainingObjective o = objective(model);
            List<String> captions = List.of("a red apple moving left", "a blue fish moving up");
            NDArray noisy = o.noisy(model.stack(clips(model, 2, 4, 7), 4), new Random(1));
            TrainingObjective.OwnPast own = new TrainingObjective.OwnPast(1, 2, 0f, 0.7f);
            NDArray made = o.withOwnPast(noisy, captions, own, new SequentialInverse(), new Random(2));
            assertArrayEquals(noisy.get(":, 0").toFloatArray(), made.get(":, 0").toFloatArray(), "the true past");
            assertArrayEquals(noisy.get(":, 3").toFloatArray(), made.get(":, 3").toFloatArray(), "the true frame after");
            // pushed back through the flow, the own frames give the noise they were made from: the model's sample
            float[] drawn = NoiseAugmentation.gaussian(m.zeros(new Shape(2, 3, 3, SIZE, SIZE)), 0.7f, new Random(2))
                    .get(":, 1:3").toFloatArray();
            float[] back = model.flow().forward(made.get(":, :3"), model.encode(captions)).z().get(":, 1:3").toFloatArray();
            assertArrayEquals(drawn, back, 2e-3f);
            assertTrue(Math.abs(made.get(":, 1").sub(noisy.get(":, 1")).abs().max().getFloat()) > 0.1, "frame 1 is the model's, not the truth");
        }
    }

    @Test
    void theModelsOwnFramesAreNotScoredAndTheTrueFramesAreScoredGivenThem() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, 4, SIZE)) {
            TrainingObjective o = objective(model);
            List<String> captions = List.of("a red apple moving left", "a blue fish moving up");
            TrainingObjective.OwnPast own = new TrainingObjective.OwnPast(1, 2, 2f, 0.5f);
            NDArray made = o.withOwnPast(o.noisy(model.stack(clips(model, 2, 4, 8), 4), new Random(1)), captions, own,
                    new SequentialInverse(), new Random(2));
            double[] nll = new double[1];
            o.lossAfterOwnPast(made, captions, own, CaptionDropout.NONE, new Random(3), nll);
            float[] perFrame = model.flow().forward(made, model.encode(captions)).lossPerFrame().toFloatArray();
            double expected = (perFrame[0] + perFrame[3] + perFrame[4] + perFrame[7]) / 4;
            assertEquals(expected, nll[0], 1e-5, "frames 0 and 3 of each clip, frame 3 given the model's frames 1 and 2");
            assertThrows(IllegalArgumentException.class, () -> new TrainingObjective.OwnPast(0, 1, 0f, 1f), "no true frame before");
            assertThrows(IllegalArgumentException.class, () -> o.withOwnPast(made, captions, new TrainingObjective.OwnPast(1, 3, 0f, 1f),
                    new SequentialInverse(), new Random(2)), "no true frame after");
        }
    }

    @Test
    void theFirstStepsVelocityLearnsTheMoveEachCaptionAsksFromTheClipsOwnFrames() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 2, SIZE, 0.05, b -> b.motionCompensation(1).firstStepMotion(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            StarFlow flow = model.flow();
            TextEncoder text = model.text();
            TrainingObjective o = new TrainingObjective(flow, text).teaching(new TrainingObjective.Taught(1f, 0f));
            List<String> captions = List.of("a square moving right", "a square moving left");
            NDArray x = squaresMoving(m);
            Map<String, NDArray> velocity = new java.util.HashMap<>(model.parameters());
            velocity.keySet().removeIf(n -> !n.startsWith("first_step.") && !n.startsWith("text_encoder."));
            TrainStep step = new TrainStep(velocity, TrainSettings.starflow(0.05f, 0, 60));
            for (int i = 0; i < 60; i++) {
                step.run(() -> o.firstStepLoss(x, text.encode(m, captions)));
            }
            float[] v = flow.firstStep(text.encode(m, captions)).toFloatArray();
            assertTrue(v[0] > 0.5 && v[3] < -0.5, "right then left: " + Arrays.toString(v));
            // the velocity reads the text and does not reshape it: none of its loss reaches the text encoder
            Map<String, NDArray> textOnly = new java.util.HashMap<>(model.parameters());
            textOnly.keySet().removeIf(n -> !n.startsWith("text_encoder."));
            TrainStep.Result r = new TrainStep(textOnly, TrainSettings.starflow(0.05f, 0, 1))
                    .run(() -> o.firstStepLoss(x, text.encode(m, captions)));
            assertEquals(0.0, r.gradNorm(), "the text encoder's gradient from the velocity's loss (" + r.reason() + ")");
            assertEquals(0f, new TrainingObjective(flow, text).loss(x, captions, CaptionDropout.NONE, new Random(1), null).getFloat()
                    - o.teaching(TrainingObjective.Taught.NOTHING).loss(x, captions, CaptionDropout.NONE, new Random(1), null).getFloat(), 1e-6, "weight 0: the likelihood alone");
        }
    }

    /**
     * Edits of four frames, two of source and two of result: the bright square of {@link #squaresMoving} staying
     * where it is, its ground -0.5 in the source and {@code grounds[i]} in edit i's result.
     */
    private static NDArray groundsRepainted(NDManager m, float[]... grounds) {
        int n = grounds.length;
        float[] clips = new float[n * 4 * 3 * SIZE * SIZE];
        for (int c = 0; c < n; c++) {
            for (int t = 0; t < 4; t++) {
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < SIZE; y++) {
                        for (int x = 0; x < SIZE; x++) {
                            boolean square = y >= 1 && y < 3 && x >= 1 && x < 3;
                            clips[(((c * 4 + t) * 3 + ch) * SIZE + y) * SIZE + x] = square ? 0.8f : t < 2 ? -0.5f : grounds[c][ch];
                        }
                    }
                }
            }
        }
        return m.create(clips, new Shape(n, 4, 3, SIZE, SIZE));
    }

    @Test
    void anEditsColoursLearnTheBackgroundEachInstructionNamesFromTheEditsOwnFrames() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 4, SIZE, 0.05, b -> b.motionCompensation(1).editColours(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            StarFlow flow = model.flow();
            TextEncoder text = model.text();
            List<String> instructions = List.of("make the background green", "make the background blue");
            NDArray x = groundsRepainted(m, new float[]{-0.6f, 0.7f, -0.4f}, new float[]{-0.6f, -0.4f, 0.8f});
            TrainingObjective o = new TrainingObjective(flow, text).teaching(new TrainingObjective.Taught(0f, 1f)).withEditFrom(2);
            float before = o.editColourLoss(x, text.encode(m, instructions)).getFloat();
            Map<String, NDArray> colours = new java.util.HashMap<>(model.parameters());
            colours.keySet().removeIf(n -> !n.startsWith("edit_colours."));
            TrainStep step = new TrainStep(colours, TrainSettings.starflow(0.05f, 0, 100));
            for (int i = 0; i < 100; i++) {
                step.run(() -> o.editColourLoss(x, text.encode(m, instructions)));
            }
            float after = o.editColourLoss(x, text.encode(m, instructions)).getFloat();
            assertTrue(before > 1 && after < 0.01 * before, "the colours' square error from " + before + " to " + after);
            MotionCompensation.EditColourReading r = flow.editColours(x, text.encode(m, instructions), 2);
            float[] predicted = r.predicted().toFloatArray();
            assertTrue(predicted[1] > 0.5 && predicted[6 + 2] > 0.5, "a green, then a blue ground: " + Arrays.toString(predicted));
            assertEquals(0f, o.withEditFrom(0).editColourLoss(x, text.encode(m, instructions)).getFloat(), "not edits: nothing to teach");
            assertThrows(IllegalArgumentException.class, () -> new TrainingObjective.Taught(0f, -1f));
        }
    }

    @Test
    void aFitStartsAnEditsColoursAtTheBackgroundEachInstructionNames() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 4, SIZE, 0.05, b -> b.motionCompensation(1).editColours(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            List<String> instructions = List.of("make the background green", "make the background blue");
            NDArray x = groundsRepainted(m, new float[]{-0.6f, 0.7f, -0.4f}, new float[]{-0.6f, -0.4f, 0.8f});
            EditColourFit fit = new EditColourFit(model.flow());
            fit.add(x, model.text().encode(m, instructions), 2);
            assertEquals(2, fit.edits());
            double[] error = fit.apply(m);
            assertTrue(error[0] > 1 && error[1] < 1e-3, "the colours' square error from " + error[0] + " to " + error[1]);
            float[] predicted = model.flow().editColours(x, model.text().encode(m, instructions), 2).predicted().toFloatArray();
            assertTrue(Math.abs(predicted[1] - 0.7) < 0.05 && Math.abs(predicted[6 + 2] - 0.8) < 0.05,
                    "a green, then a blue ground: " + Arrays.toString(predicted));
        }
    }

    @Test
    void aLeastSquaresFitStartsTheFirstStepsVelocityAtEachCaptionsMove() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 2, SIZE, 0.05, b -> b.motionCompensation(1).firstStepMotion(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            List<String> captions = List.of("a square moving right", "a square moving left");
            NDArray x = squaresMoving(m);
            FirstStepFit fit = new FirstStepFit(model.flow());
            fit.add(x.get(":, :1"), model.text().encode(m, captions));
            assertEquals(0, fit.clips(), "a still has no first step");
            fit.add(x, model.text().encode(m, captions));
            fit.apply(m);
            float[] v = model.flow().firstStep(model.text().encode(m, captions)).toFloatArray();
            float[] moves = model.flow().firstStepTarget(x).toFloatArray();
            for (int i = 0; i < 6; i++) {
                // radius 1 here: a move of a whole pixel is fitted as 0.95, where r tanh(v / r) is still steep; the
                // size rate within 0.95 of its bound likewise
                double bound = 0.95 * (i % 3 < 2 ? 1 : MotionCompensation.MAX_SIZE_RATE);
                double kept = Math.signum(moves[i]) * Math.min(Math.abs(moves[i]), bound);
                assertEquals(kept, v[i], 0.02, "the fit reads each caption's own step, component " + i);
            }
            assertTrue(v[0] > 0.9 && v[3] < -0.9, "right then left: " + Arrays.toString(v));
        }
    }

    @Test
    void theVelocityIsASumOverTheCaptionsWordsSoItCarriesToACombinationNoClipHad() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 2, SIZE, 0.05, b -> b.motionCompensation(1).firstStepMotion(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            FirstStepFit fit = new FirstStepFit(model.flow());
            fit.add(squaresMoving(m, 1, -1, -1), model.text().encode(m,
                    List.of("square moving right on blue", "square moving left on blue", "square moving left on red")));
            fit.apply(m);
            // five words: the fixtures' encoder reads five words and an end
            float[] v = model.flow().firstStep(model.text().encode(m,
                    List.of("square moving right on red", "on red square moving right"))).toFloatArray();
            assertTrue(v[0] > 0.85, "right on red, which no clip was: " + Arrays.toString(v));
            assertEquals(0, v[1], 0.05, "no move up or down");
            assertEquals(v[0], v[3], 1e-6, "the words' order does not matter");
        }
    }

    @Test
    void theFitReadsGrowingAndShrinkingFromTheWordsAsItReadsMoves() {
        try (NDManager m = NDManager.newBaseManager();
             VideoModel model = VideoFixtures.model(m, 2, 8, 0.05, b -> b.motionCompensation(1).firstStepMotion(true)
                     .txtVocab(VideoFixtures.TEXT_VOCABULARY))) {
            // a square of half-width 2 that grows to 2.2 (1.1 times), and one of 2.2 that shrinks to 2
            NDArray x = m.create(concat(square(8, 2), square(8, 2.2), square(8, 2.2), square(8, 2)), new Shape(2, 2, 3, 8, 8));
            List<String> captions = List.of("a square growing", "a square shrinking");
            FirstStepFit fit = new FirstStepFit(model.flow());
            fit.add(x, model.text().encode(m, captions));
            fit.apply(m);
            float[] step = model.flow().firstStep(model.text().encode(m, captions)).toFloatArray();
            float[] target = model.flow().firstStepTarget(x).toFloatArray();
            assertTrue(target[2] > 0.05 && target[5] < -0.03, "the clips' own size rates: " + Arrays.toString(target));
            assertEquals(target[2], step[2], 0.01, "growing: " + Arrays.toString(step));
            assertEquals(target[5], step[5], 0.01, "shrinking: " + Arrays.toString(step));
        }
    }

    /** One frame [3, size, size] of a square of half-width h at the middle, 0.8 on -0.5, box-filtered. */
    private static float[] square(int size, double h) {
        float[] v = new float[3 * size * size];
        double c = size / 2.0;
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double cover = Math.max(0, Math.min(x + 1, c + h) - Math.max(x, c - h)) * Math.max(0, Math.min(y + 1, c + h) - Math.max(y, c - h));
                    v[(ch * size + y) * size + x] = (float) (-0.5 + 1.3 * cover);
                }
            }
        }
        return v;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Two clips of two frames: a bright 2x2 square one pixel right, then one pixel left, of where it was. */
    private static NDArray squaresMoving(NDManager m) {
        return squaresMoving(m, 1, -1);
    }

    /** Clips of two frames, a bright 2x2 square in each that moves one pixel right (+1) or left (-1). */
    private static NDArray squaresMoving(NDManager m, int... steps) {
        int n = steps.length;
        float[] clips = new float[n * 2 * 3 * SIZE * SIZE];
        Arrays.fill(clips, -0.5f);
        for (int c = 0; c < n; c++) {
            int[] columns = steps[c] > 0 ? new int[]{1, 2} : new int[]{2, 1};
            for (int t = 0; t < 2; t++) {
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 1; y < 3; y++) {
                        for (int x = columns[t]; x < columns[t] + 2; x++) {
                            clips[(((c * 2 + t) * 3 + ch) * SIZE + y) * SIZE + x] = 0.8f;
                        }
                    }
                }
            }
        }
        return m.create(clips, new Shape(n, 2, 3, SIZE, SIZE));
    }

    private static double sq(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return s;
    }

    private static List<float[]> clips(VideoModel model, int count, long seed) {
        return clips(model, count, FRAMES, seed);
    }

    private static List<float[]> clips(VideoModel model, int count, int frames, long seed) {
        Random rng = new Random(seed);
        int d = model.spec().dims(frames);
        return IntStream.range(0, count).mapToObj(i -> {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) {
                x[j] = rng.nextFloat() * 2 - 1;
            }
            return x;
        }).toList();
    }

    @Test
    void everyCandidateOfAClipGetsTheSameNoiseDrawAndClipsGetTheirOwn() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two clips, three candidates each, every value different
            float[] values = new float[6 * 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            NDArray x = m.create(values, new Shape(6, 4));
            float[] noise = NoiseAugmentation.applyShared(x, 3, 0.5f, new Random(1)).sub(x).toFloatArray();
            for (int row = 1; row < 3; row++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(noise[j], noise[row * 4 + j], 1e-6, "clip 0, candidate " + row);
                    assertEquals(noise[12 + j], noise[12 + row * 4 + j], 1e-6, "clip 1, candidate " + row);
                }
            }
            assertTrue(noise[0] != noise[12], "each clip draws its own noise");
            assertThrows(IllegalArgumentException.class, () -> NoiseAugmentation.applyShared(x, 4, 0.5f, new Random(1)),
                    "six rows are not groups of four");
        }
    }

    @Test
    void aContinuationThatIsTheTruthScoresExactlyAsTheTruthSoAStayingObjectIsNeverTaughtToMove() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, 4, SIZE)) {
            int plane = model.spec().dims(1);
            Random rng = new Random(21);
            float[] still = new float[4 * plane];
            float[] frame = new float[plane];
            for (int i = 0; i < plane; i++) {
                frame[i] = rng.nextFloat() * 2 - 1;
            }
            for (int t = 0; t < 4; t++) {
                System.arraycopy(frame, 0, still, t * plane, plane);
            }
            float[] moved = still.clone();
            for (int i = 2 * plane; i < 4 * plane; i++) {
                moved[i] = -moved[i];
            }
            // truth: the object stays; "held" is the same clip; a corrupted continuation changes frames 2 and 3
            TrainingObjective.Contrast f = objective(model).futureContrast(model.stack(List.of(still, still.clone(), moved), 4),
                    3, 2, List.of("a red apple staying still"), new Random(5), null);
            float[] ll = f.logLikelihoods().toFloatArray();
            assertEquals(ll[0], ll[1], 1e-6 * Math.abs(ll[0]), "held is the truth: the same likelihood under the same noise");
            assertTrue(ll[0] != ll[2], "the changed continuation reads differently");
            assertEquals(0.0, f.accuracy(), "a tie is no win");
            assertThrows(IllegalArgumentException.class, () -> objective(model).futureContrast(
                    model.stack(List.of(still, moved), 4), 2, 0, List.of("x"), new Random(5), null), "nothing given");
            assertThrows(IllegalArgumentException.class, () -> objective(model).futureContrast(
                    model.stack(List.of(still, moved), 4), 3, 2, List.of("x"), new Random(5), null), "two rows are not three");
        }
    }

    @Test
    void theLikelihoodPrefersTheTrueNextFrameOnceFutureContrastHasTrained() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, 4, SIZE)) {
            int plane = model.spec().dims(1);
            float[] moving = new float[4 * plane];
            for (int i = 0; i < moving.length; i++) {
                moving[i] = (float) Math.sin(i * 0.7 + (i / plane) * 0.9);
            }
            float[] held = moving.clone();
            for (int t = 2; t < 4; t++) {
                System.arraycopy(moving, plane, held, t * plane, plane);
            }
            List<float[]> rows = List.of(moving, held);
            double before = objective(model).futureContrast(model.stack(rows, 4), 2, 2, List.of("a ball"), new Random(3), null)
                    .crossEntropy().getFloat();
            TrainStep step = new TrainStep(model.parameters(), TrainSettings.starflow(3e-3f, 0, 100));
            for (int i = 0; i < 30; i++) {
                int seed = i;
                step.run(() -> objective(model).futureContrast(model.stack(rows, 4), 2, 2, List.of("a ball"),
                        new Random(seed), null).crossEntropy());
            }
            double after = objective(model).futureContrast(model.stack(rows, 4), 2, 2, List.of("a ball"), new Random(3), null)
                    .crossEntropy().getFloat();
            assertTrue(after < before * 0.5, "cross-entropy of picking the truth: " + before + " -> " + after);
        }
    }

    @Test
    void aTokenThatChangedFromTheFrameBeforeWeighsTheMovingWeight() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            // 2 frames of 3 x 4 x 4 pixels in 2x2 patches: 4 tokens a frame. Frame 1 changes one pixel of token 1 by 0.5
            // and one of token 3 by 0.05, under the threshold.
            float[] pixels = new float[FRAMES * 3 * SIZE * SIZE];
            int frame1 = 3 * SIZE * SIZE;
            pixels[frame1 + 2] = 0.5f;
            pixels[frame1 + 2 * SIZE * SIZE + 3 * SIZE + 3] = -0.05f;
            NDArray clip = m.create(pixels, new Shape(1, FRAMES, 3, SIZE, SIZE));
            TrainingObjective moving = new TrainingObjective(model.flow(), model.text(), TrainingObjective.FutureScoring.SOFTMAX,
                    new TrainingObjective.MovingTokens(8, 0.1f));
            assertArrayEquals(new float[]{1, 1, 1, 1, 1, 8, 1, 1}, moving.tokenWeights(clip).toFloatArray(),
                    "the first frame has no frame before it; in the second only token 1 moved enough");
        }
    }

    @Test
    void weightingMovingTokensChangesTheLossOfAMovingClipButNotOfAStillOne() {
        try (NDManager m = NDManager.newBaseManager(); VideoModel model = VideoFixtures.model(m, FRAMES, SIZE)) {
            TrainingObjective plain = objective(model);
            TrainingObjective moving = new TrainingObjective(model.flow(), model.text(), TrainingObjective.FutureScoring.SOFTMAX,
                    new TrainingObjective.MovingTokens(8, 0.1f));
            float[] frame = clips(model, 1, 3).get(0);
            int half = frame.length / FRAMES;
            float[] still = frame.clone();
            System.arraycopy(still, 0, still, half, half);
            NDArray stillClip = model.stack(List.of(still), FRAMES);
            assertEquals(plain.loss(stillClip, List.of("a red apple"), CaptionDropout.NONE, new Random(2), null).getFloat(),
                    moving.loss(stillClip, List.of("a red apple"), CaptionDropout.NONE, new Random(2), null).getFloat(), 1e-6, "nothing moves: every weight is one");
            NDArray movingClip = model.stack(List.of(frame), FRAMES);
            double[] nllPlain = new double[1];
            double[] nllMoving = new double[1];
            float a = plain.loss(movingClip, List.of("a red apple"), CaptionDropout.NONE, new Random(2), nllPlain).getFloat();
            float b = moving.loss(movingClip, List.of("a red apple"), CaptionDropout.NONE, new Random(2), nllMoving).getFloat();
            assertTrue(Math.abs(a - b) > 1e-4, "moving tokens reweigh the loss: " + a + " vs " + b);
            assertEquals(nllPlain[0], nllMoving[0], 1e-6, "the NLL reported stays the unweighted one");
        }
    }

    @Test
    void aMovingWeightMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingObjective.MovingTokens(0, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new TrainingObjective.MovingTokens(2, -1));
    }

    private static TrainingObjective objective(VideoModel model) {
        return new TrainingObjective(model.flow(), model.text());
    }
}
