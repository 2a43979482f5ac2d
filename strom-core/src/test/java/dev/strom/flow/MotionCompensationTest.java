package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.strom.flow.FlowFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Motion compensation: a frame is coded as its difference from the last frame moved on as the two before it
 * moved, frames 0 and 1 as they are; the step undoes exactly, and a flow with it is still a density.
 */
class MotionCompensationTest {

    private static final int SIZE = 16;

    /**
     * A 4x4 square of colour (0.8, -0.6, 0.2) on a ground of -0.5, its left edge at {@code x0 + speed * t} pixels,
     * box-filtered so that a fractional position shades the edge pixels as a renderer does.
     */
    private static NDArray movingSquare(NDManager m, int frames, double x0, double speed) {
        float[] v = new float[frames * 3 * SIZE * SIZE];
        float[] colour = {0.8f, -0.6f, 0.2f};
        for (int t = 0; t < frames; t++) {
            double left = x0 + speed * t;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        double cover = y >= 6 && y < 10 ? Math.max(0, Math.min(x + 1, left + 4) - Math.max(x, left)) : 0;
                        v[((t * 3 + c) * SIZE + y) * SIZE + x] = (float) (-0.5 + cover * (colour[c] + 0.5));
                    }
                }
            }
        }
        return m.create(v, new Shape(1, frames, 3, SIZE, SIZE));
    }

    /** Frame t of x [B, T, C, H, W] as the compensation cleans it, [B, 1, C, H, W]. */
    private static NDArray cleaned(MotionCompensation mc, NDArray x, int t) {
        return mc.clean(frame(x, t).squeeze(1)).expandDims(1);
    }

    private static NDArray frame(NDArray x, int t) {
        return x.get(new NDIndex().addAllDim().addSliceDim(t, t + 1));
    }

    /** Sum of squares of [B, 1, ...]. */
    private static double energy(NDArray a) {
        return a.square().sum().getFloat();
    }

    @Test
    void anObjectMovingAtAWholePixelSpeedLeavesNothingToCodeAfterTheSecondFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 6, 2, 2);
            NDArray y = new MotionCompensation(3, 0.1, 3).residual(x);
            assertEquals(x.getShape(), y.getShape());
            assertEquals(0.0, maxAbsDiff(frame(y, 0), frame(x, 0)), "frame 0 is coded as it is");
            assertEquals(0.0, maxAbsDiff(frame(y, 1), frame(x, 1)), "frame 1 too: the first step is the model's to make");
            assertEachLaterFrameLeaves(x, y, 0.01);
        }
    }

    @Test
    void aFractionalSpeedIsPredictedByBlendingTheTwoNearestShifts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 5, 2, 1.5);
            assertEachLaterFrameLeaves(x, new MotionCompensation(3, 0.1, 3).residual(x), 0.15);
        }
    }

    /** From frame 2 on, each residual's energy is under {@code share} of what holding the last frame still leaves. */
    private static void assertEachLaterFrameLeaves(NDArray x, NDArray y, double share) {
        for (int t = 2; t < x.getShape().get(1); t++) {
            double left = energy(frame(y, t));
            double held = energy(frame(x, t).sub(frame(x, t - 1)));
            assertTrue(left < share * held, "frame " + t + ": " + left + " left to code where holding still leaves " + held);
        }
    }

    @Test
    void aStillClipCodesItsFirstTwoFramesAndNothingElse() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 4, 5, 0);
            NDArray y = new MotionCompensation(2, 0.1, 3).residual(x);
            NDArray later = y.get(new NDIndex().addAllDim().addSliceDim(2, 4));
            double left = maxAbsDiff(later, later.zerosLike());
            assertTrue(left < 0.01, "left to code: " + left);
        }
    }

    @Test
    void theNoiseOfAStillGroundIsCodedOnceNotAsTheDifferenceOfTwoFramesNoises() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 6, 5, 0).add(FlowFixtures.randn(m, new Random(8), 1, 6, 3, SIZE, SIZE).mul(0.1));
            NDArray y = new MotionCompensation(3, 0.1, 3).residual(x);
            NDArray later = y.get(new NDIndex().addAllDim().addSliceDim(2, 6));
            double variance = later.square().mean().getFloat();
            // a plain copy of the last frame would leave 2 sigma^2 = 0.02
            assertTrue(variance < 1.3 * 0.01, "residual variance " + variance + " against sigma^2 = 0.01");
        }
    }

    @Test
    void aNarrowerCleaningRangeKeepsAnObjectsSoftEdgeAndTakesLessNoiseOffTheGround() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the square's left and right columns half covered, as an object between whole pixels is drawn; 16 draws
            NDArray truth = frame(movingSquare(m, 1, 5.5, 0), 0).squeeze(1).repeat(0, 16);
            NDArray noisy = truth.add(FlowFixtures.randn(m, new Random(3), 16, 3, SIZE, SIZE).mul(0.1));
            NDArray wide = new MotionCompensation(3, 0.1, 3, false, FlowConfig.DEFAULT_CLEAN_RANGE).clean(noisy);
            NDArray narrow = new MotionCompensation(3, 0.1, 3, false, 3).clean(noisy);
            double wideEdge = edgeKept(wide, truth);
            double narrowEdge = edgeKept(narrow, truth);
            NDIndex ground = new NDIndex(":, :, 0:4, :");
            double wideGround = wide.get(ground).sub(truth.get(ground)).square().mean().getFloat();
            double narrowGround = narrow.get(ground).sub(truth.get(ground)).square().mean().getFloat();
            assertTrue(narrowEdge > 0.97 && wideEdge < 0.95, "share of the edge's contrast kept " + narrowEdge + " at range 3 against " + wideEdge + " at 10");
            assertTrue(wideGround < narrowGround && narrowGround < 0.01,
                    "noise left on the ground " + narrowGround + " at range 3 against " + wideGround + " at 10, sigma^2 = 0.01");
        }
    }

    /** How much of the half-covered edge columns' contrast with the ground the cleaned frames keep, 1 for all. */
    private static double edgeKept(NDArray cleaned, NDArray truth) {
        NDIndex edges = new NDIndex(":, :, 6:10, 5:10:4");
        return cleaned.get(edges).add(0.5).sum().getFloat() / truth.get(edges).add(0.5).sum().getFloat();
    }

    @Test
    void restoringTheResidualGivesTheClipBackWithOrWithoutContextAndFrameByFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the square on its way, under the training noise (sigma 0.1)
            NDArray x = movingSquare(m, 5, 1, 1.5).add(FlowFixtures.randn(m, new Random(4), 1, 5, 3, SIZE, SIZE).mul(0.1));
            MotionCompensation mc = new MotionCompensation(2, 0.1, 3);
            NDArray y = mc.residual(x);
            double back = maxAbsDiff(mc.restore(y, null, false), x);
            assertTrue(back < 1e-4, "restored up to " + back);

            NDArray context = x.get(new NDIndex().addAllDim().addSliceDim(0, 2));
            NDArray withContext = mc.restore(y.zerosLike().add(y), context, false);
            assertEquals(0.0, maxAbsDiff(withContext.get(new NDIndex().addAllDim().addSliceDim(0, 2)), context),
                    "the context comes back bit for bit");
            assertTrue(maxAbsDiff(withContext, x) < 1e-4);

            MotionCompensation.Restorer one = mc.restorer(context, false);
            for (int t = 2; t < 5; t++) {
                assertTrue(maxAbsDiff(one.next(frame(y, t)), frame(x, t)) < 1e-4, "frame " + t + " on its own");
            }
        }
    }

    @Test
    void anEditsResultIsPredictedByItsSourceWithTheChangeSoFarCarriedOnSoWhatItKeepsCostsNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the source: the square running right; the result: the same square, recoloured, on the same way
            NDArray source = movingSquare(m, 3, 1, 1.5);
            NDArray result = movingSquare(m, 3, 1, 1.5).mul(0.5);
            NDArray x = source.concat(result, 1).add(FlowFixtures.randn(m, new Random(12), 1, 6, 3, SIZE, SIZE).mul(0.1));
            MotionCompensation mc = new MotionCompensation(2, 0.1, 3);
            NDArray y = mc.residual(x, 3);
            NDArray sourceFrames = x.get(new NDIndex().addAllDim().addSliceDim(0, 3));
            assertEquals(0.0, maxAbsDiff(y.get(new NDIndex().addAllDim().addSliceDim(0, 3)), mc.residual(sourceFrames)),
                    "the source is coded as any clip");
            assertTrue(maxAbsDiff(frame(y, 3), frame(x, 3).sub(cleaned(mc, x, 0))) < 1e-6,
                    "the result's first frame less its source frame, cleaned");
            for (int t = 4; t < 6; t++) {
                NDArray carried = cleaned(mc, x, t - 3).add(cleaned(mc, x, t - 1)).sub(cleaned(mc, x, t - 4));
                assertTrue(maxAbsDiff(frame(y, t), frame(x, t).sub(carried)) < 1e-5,
                        "result frame " + t + " less its source frame with the change so far carried on");
            }
            assertEquals(0.0, maxAbsDiff(mc.code(x, 3).residual(), y), "code gives the same residual");
            NDArray seen = mc.code(x, 3).seen();
            assertTrue(maxAbsDiff(frame(seen, 4).get(new NDIndex().addAllDim().addAllDim().addSliceDim(3, 6)), frame(x, 3)) < 1e-6,
                    "and the coding of a result frame sees the last frame");

            NDArray back = mc.restore(y, sourceFrames, true);
            assertEquals(0.0, maxAbsDiff(back.get(new NDIndex().addAllDim().addSliceDim(0, 3)), sourceFrames));
            assertTrue(maxAbsDiff(back, x) < 1e-4, "restored from the source up to " + maxAbsDiff(back, x));
            assertTrue(maxAbsDiff(mc.restore(y, sourceFrames, false), x) > 0.1, "read as one clip it is another");
            assertEquals(0.0, maxAbsDiff(mc.residual(x, 0), mc.residual(x)), "0: not an edit");
            assertThrows(IllegalArgumentException.class, () -> mc.residual(x, 2), "a result longer than its source");
            assertThrows(IllegalArgumentException.class, () -> mc.restorer(null, true), "a result needs its source");
        }
    }

    /** The moving square's clip with its ground -0.5 repainted {@code ground} and its square painted {@code colour}. */
    private static NDArray repainted(NDManager m, int frames, float[] ground, float[] colour) {
        NDArray square = movingSquare(m, frames, 1, 1.5);
        // cover: 0 on the ground, 1 on the square, as movingSquare shades it
        NDArray cover = square.get(new NDIndex(":, :, 0:1")).add(0.5).div(1.3);
        NDArray g = m.create(ground, new Shape(1, 1, 3, 1, 1));
        NDArray c = m.create(colour, new Shape(1, 1, 3, 1, 1));
        return g.add(cover.mul(c.sub(g)));
    }

    /** Colours an instruction gives, [1, 6]: the background's, then the object's. */
    private static NDArray colours(NDManager m, float[] background, float[] object) {
        return m.create(new float[]{background[0], background[1], background[2], object[0], object[1], object[2]}, new Shape(1, 6));
    }

    @Test
    void anEditsFirstResultFrameIsItsSourceRecolouredAsTheInstructionSaysSoANewBackgroundCostsNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] ground = {-0.5f, -0.5f, -0.5f};
            float[] square = {0.8f, -0.6f, 0.2f};
            float[] green = {-0.6f, 0.7f, -0.4f};
            NDArray source = repainted(m, 3, ground, square);
            NDArray result = repainted(m, 3, green, square);
            NDArray x = source.concat(result, 1);
            // "make the background green": the background's gate open, the green it names, the square kept
            MotionCompensation.EditColours greenGround = new MotionCompensation.EditColours(
                    m.create(new float[]{1, 0}, new Shape(1, 2)), colours(m, green, new float[3]), m.zeros(new Shape(6, 6)));
            MotionCompensation plain = new MotionCompensation(2, 0.1, 3);
            MotionCompensation recolouring = plain.withEditColours(greenGround);
            double unpredicted = energy(frame(plain.residual(x, 3), 3));
            double predicted = energy(frame(recolouring.residual(x, 3), 3));
            assertTrue(unpredicted > 100, "predicted by its source, every ground pixel is the change: " + unpredicted);
            assertTrue(predicted < 1e-3 * unpredicted, "recoloured, the first result frame leaves " + predicted + " of " + unpredicted);
            for (int t = 4; t < 6; t++) {
                // each source frame recoloured by its own colours: the half-covered pixels at the moving square's
                // edges get their own share of the new ground
                double later = energy(frame(recolouring.residual(x, 3), t));
                assertTrue(later < 1e-3 * unpredicted, "and the change carries on to frame " + t + ": " + later);
            }
            MotionCompensation.EditColourReading reading = recolouring.editColours(x, 3);
            assertTrue(maxAbsDiff(reading.predicted(), reading.shown()) < 1e-2, "the colours it predicts are those the result shows");
            assertTrue(maxAbsDiff(reading.shown(), colours(m, green, square)) < 1e-2, "green ground, the square's colour: "
                    + Arrays.toString(reading.shown().toFloatArray()));

            // under the training noise the residual comes back to the clip, whole and frame by frame
            NDArray noisy = x.add(FlowFixtures.randn(m, new Random(21), 1, 6, 3, SIZE, SIZE).mul(0.1));
            NDArray y = recolouring.residual(noisy, 3);
            NDArray sourceFrames = noisy.get(new NDIndex().addAllDim().addSliceDim(0, 3));
            assertTrue(maxAbsDiff(recolouring.restore(y, sourceFrames, true), noisy) < 1e-4, "restored from the source");
            assertTrue(maxAbsDiff(plain.restore(y, sourceFrames, true), noisy) > 0.5, "without the recolouring it is another clip");
        }
    }

    @Test
    void eachEditOfABatchIsRecolouredByItsOwnInstructionInEveryFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] ground = {-0.5f, -0.5f, -0.5f};
            float[] square = {0.8f, -0.6f, 0.2f};
            float[] green = {-0.6f, 0.7f, -0.4f};
            float[] blue = {-0.6f, -0.4f, 0.8f};
            NDArray source = repainted(m, 3, ground, square);
            NDArray x = NDArrays.concat(new NDList(source.concat(repainted(m, 3, green, square), 1),
                    source.concat(repainted(m, 3, blue, square), 1)));
            MotionCompensation.EditColours toEach = new MotionCompensation.EditColours(
                    m.create(new float[]{1, 0, 1, 0}, new Shape(2, 2)),
                    NDArrays.concat(new NDList(colours(m, green, new float[3]), colours(m, blue, new float[3]))), m.zeros(new Shape(6, 6)));
            NDArray y = new MotionCompensation(2, 0.1, 3).withEditColours(toEach).residual(x, 3);
            double unpredicted = energy(frame(new MotionCompensation(2, 0.1, 3).residual(x, 3), 3));
            for (int t = 3; t < 6; t++) {
                // what is left: the cleaning of the moving square's half-covered edge pixels, which weighs a green
                // and a grey neighbour differently
                double left = energy(frame(y, t));
                assertTrue(left < 1e-3 * unpredicted, "frame " + t + " of both edits leaves " + left + " of " + unpredicted);
            }
        }
    }

    @Test
    void toTurnOneObjectIntoAnotherTheSourcesObjectColourTellsWhichOfTheTwoNamedColoursIsTheNewOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] ground = {-0.5f, -0.5f, -0.5f};
            float[] heart = {0.8f, -0.6f, 0.2f};
            float[] star = {0.7f, 0.7f, -0.6f};
            // "turn the heart into a star" names both, and the words alone give the sum of their colours; less the
            // source object's colour (mix: -1 on the object's channels) that is the star's
            float[] both = {heart[0] + star[0], heart[1] + star[1], heart[2] + star[2]};
            NDArray mix = m.zeros(new Shape(6, 6));
            for (int c = 3; c < 6; c++) {
                mix.set(new NDIndex(c + ", " + c), -1f);
            }
            MotionCompensation turning = new MotionCompensation(2, 0.1, 3).withEditColours(new MotionCompensation.EditColours(
                    m.create(new float[]{0, 1}, new Shape(1, 2)), colours(m, new float[3], both), mix));
            NDArray x = repainted(m, 3, ground, heart).concat(repainted(m, 3, ground, star), 1);
            MotionCompensation.EditColourReading reading = turning.editColours(x, 3);
            assertTrue(maxAbsDiff(reading.predicted(), colours(m, ground, star)) < 1e-2,
                    "the star's colour on the same ground: " + Arrays.toString(reading.predicted().toFloatArray()));
            assertTrue(energy(frame(turning.residual(x, 3), 3)) < 1e-2, "the recoloured heart is the star's colour where it stands");
        }
    }

    @Test
    void theFirstStepPredictsFrameOneAsFrameZeroMovedByTheTextsVelocitySoTheRightVelocityLeavesNothingToCode() {
        try (NDManager m = NDManager.newBaseManager()) {
            MotionCompensation mc = new MotionCompensation(3, 0.1f, 3);
            NDArray x = movingSquare(m, 2, 4, 2);
            assertEquals(0, maxAbsDiff(frame(mc.residual(x), 1), frame(x, 1)), "without a first step: frame 1 as it is");
            double right = energy(frame(mc.withFirstStep(velocity(m, 2, 0)).residual(x), 1));
            double still = energy(frame(mc.withFirstStep(velocity(m, 0, 0)).residual(x), 1));
            double wrong = energy(frame(mc.withFirstStep(velocity(m, -2, 0)).residual(x), 1));
            // a whole-pixel move is an exact shift: no trace of the square's edges is left where they were (a blurred
            // move left a fringe there that the samples kept)
            assertEquals(0, maxAbsDiff(frame(mc.withFirstStep(velocity(m, 2, 0)).residual(x), 1), frame(x, 0).zerosLike()), 0.01,
                    "2 px right, as the square moves: nothing left to code");
            assertTrue(still > 1, "no move leaves the square's two edges to code: " + still);
            assertTrue(wrong > still, "2 px left explains it worse than no move: " + wrong + " vs " + still);
            assertTrue(right < 1e-3 * still, right + " vs " + still);
        }
    }

    @Test
    void aHalfPixelFirstStepIsTheMeanOfTheTwoNearestShifts() {
        try (NDManager m = NDManager.newBaseManager()) {
            MotionCompensation mc = new MotionCompensation(3, 0.1f, 3);
            NDArray zero = frame(movingSquare(m, 1, 4, 0), 0).squeeze(1);
            NDArray half = mc.firstPrediction(zero, velocity(m, 0.5f, 0));
            NDArray between = mc.firstPrediction(zero, velocity(m, 0, 0)).add(mc.firstPrediction(zero, velocity(m, 1, 0))).div(2);
            assertTrue(maxAbsDiff(half, between) < 1e-6, "bilinear along x");
            assertTrue(maxAbsDiff(mc.firstPrediction(zero, velocity(m, 0, 0)), mc.clean(zero)) < 1e-6, "no velocity: frame 0 cleaned");
        }
    }

    @Test
    void aClipWithAFirstStepComesBackFromItsResidualWholeOrFromItsFirstFrameAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 4, 2, 1.5).add(FlowFixtures.randn(m, new Random(5), 1, 4, 3, SIZE, SIZE).mul(0.1));
            MotionCompensation mc = new MotionCompensation(2, 0.1, 3).withFirstStep(velocity(m, 1.3f, -0.4f));
            NDArray y = mc.residual(x);
            assertTrue(maxAbsDiff(mc.restore(y, null, false), x) < 1e-4, "whole");
            MotionCompensation.Restorer r = mc.restorer(frame(x, 0), false);
            for (int t = 1; t < 4; t++) {
                assertTrue(maxAbsDiff(r.next(frame(y, t)), frame(x, t)) < 1e-4, "frame " + t + " from frame 0 alone, in turn");
            }
        }
    }

    @Test
    void aSizeRateScalesFrameZeroAboutItsObjectsCentre() {
        try (NDManager m = NDManager.newBaseManager()) {
            // no noise: frame 0 is moved as it is, not cleaned
            MotionCompensation mc = new MotionCompensation(3, 0, 3);
            NDArray zero = square(m, 9, 7, 2);
            double mass = mass(zero);
            double[] centre = centre(zero);
            for (float g : new float[]{0.2f, -0.2f}) {
                NDArray moved = mc.firstPrediction(zero, m.create(new float[]{0, 0, g}, new Shape(1, 3)));
                double scale = 1 / (1 - g);
                assertEquals(scale * scale, mass(moved) / mass, 0.1 * scale * scale, "size rate " + g + ": area times (1 / (1 - g))^2");
                assertEquals(centre[0], centre(moved)[0], 0.05, "size rate " + g + " keeps the centre");
                assertEquals(centre[1], centre(moved)[1], 0.05, "size rate " + g + " keeps the centre");
            }
            NDArray both = mc.firstPrediction(zero, m.create(new float[]{1, 0, 0.2f}, new Shape(1, 3)));
            assertEquals(centre[0] + 1, centre(both)[0], 0.05, "and a velocity moves it as well");
        }
    }

    @Test
    void whatTheFirstStepIsTaughtReadsAGrowingOrShrinkingObjectsSizeRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            MotionCompensation mc = new MotionCompensation(3, 0.1f, 3);
            // half-width 2 to 2.2 is 1.1 times the size, g = 1 - 1 / 1.1; 3 to 2.7 is 0.9 times, g = 1 - 1 / 0.9 (frame 0
            // with whole-pixel edges both times: cleaning frame 0 takes most of a faint edge pixel off)
            NDArray clips = NDArrays.concat(new NDList(
                    NDArrays.stack(new NDList(square(m, 8, 8, 2).squeeze(0), square(m, 8, 8, 2.2).squeeze(0)), 0).expandDims(0),
                    NDArrays.stack(new NDList(square(m, 8, 8, 3).squeeze(0), square(m, 8, 8, 2.7).squeeze(0)), 0).expandDims(0)), 0);
            NDArray noisy = clips.add(FlowFixtures.randn(m, new Random(6), clips.getShape().getShape()).mul(0.1));
            float[] v = mc.firstStepTarget(noisy).toFloatArray();
            assertEquals(1 - 1 / 1.1, v[2], 0.03, "growing: " + Arrays.toString(v));
            assertEquals(1 - 1 / 0.9, v[5], 0.03, "shrinking: " + Arrays.toString(v));
            for (int i : new int[]{0, 1, 3, 4}) {
                assertEquals(0, v[i], 0.1, "neither moves: " + Arrays.toString(v));
            }
        }
    }

    @Test
    void aClipWithAGrowingFirstStepComesBackFromItsResidual() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = movingSquare(m, 3, 5, 1).add(FlowFixtures.randn(m, new Random(7), 1, 3, 3, SIZE, SIZE).mul(0.1));
            MotionCompensation mc = new MotionCompensation(2, 0.1, 3).withFirstStep(m.create(new float[]{0.7f, 0, 0.15f}, new Shape(1, 3)));
            assertTrue(maxAbsDiff(mc.restore(mc.residual(x), null, false), x) < 1e-4);
        }
    }

    @Test
    void carriedOnTheSizeRateLaterFramesOfAnObjectGrowingBySteadyStepsLeaveLessToCodeThanMatchingAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            // half-width 2, then a fifth of a pixel more every frame (an edge that slow matches standing still within
            // the noise): g = 1 - 2 / 2.2 at the first step. Four frames: further on, resampling a sharp edge by a
            // fifth of a pixel smears it as much as the step it misses (docs/experiments.md, session 33)
            int frames = 4;
            NDList list = new NDList();
            for (int t = 0; t < frames; t++) {
                list.add(square(m, 8, 8, 2 + 0.2 * t).squeeze(0));
            }
            NDArray noise = FlowFixtures.randn(m, new Random(8), 1, frames, 3, SIZE, SIZE).mul(0.1);
            NDArray x = NDArrays.stack(list, 0).expandDims(0).add(noise);
            NDArray step = m.create(new float[]{0, 0, (float) (1 - 2 / 2.2)}, new Shape(1, 3));
            MotionCompensation carried = new MotionCompensation(3, 0.1, 3, true, FlowConfig.DEFAULT_CLEAN_RANGE).withFirstStep(step);
            MotionCompensation matched = new MotionCompensation(3, 0.1, 3).withFirstStep(step);
            // what the prediction misses over frames 2 and on: the residual less the frames' own noise
            double left = 0;
            double stalled = 0;
            for (int t = 2; t < frames; t++) {
                left += energy(frame(carried.residual(x), t).sub(frame(noise, t)));
                stalled += energy(frame(matched.residual(x), t).sub(frame(noise, t)));
            }
            assertTrue(left < 0.85 * stalled, "carried " + left + " against matched alone " + stalled);
            NDArray y = carried.residual(x);
            assertTrue(maxAbsDiff(carried.restore(y, null, false), x) < 1e-4, "it comes back whole");
            MotionCompensation.Restorer r = carried.restorer(frame(x, 0), false);
            for (int t = 1; t < frames; t++) {
                assertTrue(maxAbsDiff(r.next(frame(y, t)), frame(x, t)) < 1e-4, "frame " + t + " from frame 0 alone, in turn");
            }
            MotionCompensation.Restorer extension = carried.restorer(x.get(":, 0:2"), false);
            for (int t = 2; t < frames; t++) {
                assertTrue(maxAbsDiff(extension.next(frame(y, t)), frame(x, t)) < 1e-4,
                        "frame " + t + " after two given, at the rate its place in the clip carries");
            }
            MotionCompensation still = new MotionCompensation(3, 0.1, 3, true, FlowConfig.DEFAULT_CLEAN_RANGE).withFirstStep(m.create(new float[]{0, 0, 0}, new Shape(1, 3)));
            assertTrue(maxAbsDiff(still.residual(x), new MotionCompensation(3, 0.1, 3).withFirstStep(step.zerosLike()).residual(x)) < 1e-5,
                    "a size rate of 0 carries nothing");
        }
    }

    @Test
    void theRatesCarriedOnGrowAnObjectBySteadyStepsAsAVelocityMovesItBySteadySteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (double g : new double[]{0.1, -0.05}) {
                // frame 1 is 1 / (1 - g) times frame 0: a step of a = g / (1 - g) of frame 0's size
                double a = g / (1 - g);
                double size = 1 / (1 - g);
                for (int t = 2; t <= 12; t++) {
                    double rate = MotionCompensation.carriedRate(m.create(new float[]{(float) g}), m.create((float) t)).getFloat(0);
                    size /= 1 - rate;
                    assertEquals(1 + t * a, size, 1e-4, "size rate " + g + ", frame " + t);
                }
            }
            float far = MotionCompensation.carriedRate(m.create(new float[]{-0.25f}), m.create(10f)).getFloat(0);
            assertEquals(-MotionCompensation.MAX_SIZE_RATE, far, 1e-6, "an object shrunk away shrinks no faster than the bound");
        }
    }

    @Test
    void whatTheFirstStepIsTaughtReadsAnObjectThatTurnsAsKeepingItsSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            MotionCompensation mc = new MotionCompensation(3, 0.1f, 3);
            // a bar 8 by 3 pixels turned a quarter: the same area, overlapping itself in a square of 3 by 3
            NDArray clip = NDArrays.stack(new NDList(rectangle(m, 8, 8, 4, 1.5).squeeze(0), rectangle(m, 8, 8, 1.5, 4).squeeze(0)), 0)
                    .expandDims(0).repeat(0, 4);
            NDArray noisy = clip.add(FlowFixtures.randn(m, new Random(9), clip.getShape().getShape()).mul(0.1));
            float[] v = mc.firstStepTarget(noisy).toFloatArray();
            // the mean over four draws of the noise, which alone moves one clip's reading by a percent or two
            double rate = (v[2] + v[5] + v[8] + v[11]) / 4;
            assertEquals(0, rate, 0.015, "turned, not shrunk: " + Arrays.toString(v));
        }
    }

    @Test
    void aSmallerMatchingWindowCarriesATurnOnNearerTheNextFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a bar turning 24 degrees a frame about the middle (the world's spin), from twelve starting angles, under
            // the training noise: each of its ends moves another way
            MotionCompensation wide = new MotionCompensation(3, 0.1, 3);
            MotionCompensation narrow = wide.withMatchWindow(3);
            double wideMiss = 0;
            double narrowMiss = 0;
            Random random = new Random(11);
            for (int start = 0; start < 180; start += 15) {
                NDArray before = turnedBar(m, start).add(FlowFixtures.randn(m, random, 1, 3, SIZE, SIZE).mul(0.1));
                NDArray last = turnedBar(m, start + 24).add(FlowFixtures.randn(m, random, 1, 3, SIZE, SIZE).mul(0.1));
                NDArray next = turnedBar(m, start + 48);
                wideMiss += energy(wide.predict(last, before, null).sub(next));
                narrowMiss += energy(narrow.predict(last, before, null).sub(next));
            }
            assertTrue(narrowMiss < 0.9 * wideMiss, "3x3 window " + narrowMiss + " against 7x7 " + wideMiss);
            NDArray x = NDArrays.stack(new NDList(turnedBar(m, 0), turnedBar(m, 24), turnedBar(m, 48), turnedBar(m, 72)), 1)
                    .add(FlowFixtures.randn(m, new Random(10), 1, 4, 3, SIZE, SIZE).mul(0.1));
            assertTrue(maxAbsDiff(narrow.restore(narrow.residual(x), null, false), x) < 1e-4, "it comes back whole");
            assertThrows(IllegalArgumentException.class, () -> wide.withMatchWindow(4));
        }
    }

    /** One frame [1, 3, SIZE, SIZE]: a bar 10 by 3 pixels turned {@code degrees} about the middle, 4x4 supersampled. */
    private static NDArray turnedBar(NDManager m, double degrees) {
        double a = Math.toRadians(degrees);
        return painted(m, (x, y) -> {
            int inside = 0;
            for (int sy = 0; sy < 4; sy++) {
                for (int sx = 0; sx < 4; sx++) {
                    double px = x + (sx + 0.5) / 4 - SIZE / 2.0;
                    double py = y + (sy + 0.5) / 4 - SIZE / 2.0;
                    double along = px * Math.cos(a) + py * Math.sin(a);
                    double across = -px * Math.sin(a) + py * Math.cos(a);
                    inside += Math.abs(along) <= 5 && Math.abs(across) <= 1.5 ? 1 : 0;
                }
            }
            return inside / 16.0;
        });
    }

    /** The share of pixel (x, y) that a shape covers, 0 to 1. */
    @FunctionalInterface
    private interface Coverage {
        double at(int x, int y);
    }

    /** One frame [1, 3, SIZE, SIZE]: colour (0.8, -0.6, 0.2) on -0.5, each pixel mixed by how much the shape covers it. */
    private static NDArray painted(NDManager m, Coverage cover) {
        float[] v = new float[3 * SIZE * SIZE];
        float[] colour = {0.8f, -0.6f, 0.2f};
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double share = cover.at(x, y);
                for (int c = 0; c < 3; c++) {
                    v[(c * SIZE + y) * SIZE + x] = (float) (-0.5 + share * (colour[c] + 0.5));
                }
            }
        }
        return m.create(v, new Shape(1, 3, SIZE, SIZE));
    }

    /** One frame [1, 3, SIZE, SIZE]: a square of colour (0.8, -0.6, 0.2) and half-width h centred at (cx, cy) on -0.5, box-filtered. */
    private static NDArray square(NDManager m, double cx, double cy, double h) {
        return rectangle(m, cx, cy, h, h);
    }

    /** As {@link #square}, a rectangle of half-width hx and half-height hy. */
    private static NDArray rectangle(NDManager m, double cx, double cy, double hx, double hy) {
        return painted(m, (x, y) -> Math.max(0, Math.min(x + 1, cx + hx) - Math.max(x, cx - hx))
                * Math.max(0, Math.min(y + 1, cy + hy) - Math.max(y, cy - hy)));
    }

    /** How much of the square a frame [1, 3, SIZE, SIZE] holds, in pixels (its first channel's excess over the ground). */
    private static double mass(NDArray frame) {
        return frame.get(new NDIndex("0, 0")).add(0.5).sum().getFloat() / 1.3;
    }

    /** The square's centre (x, y) in a frame [1, 3, SIZE, SIZE], by its first channel's excess over the ground. */
    private static double[] centre(NDArray frame) {
        float[] v = frame.get(new NDIndex("0, 0")).add(0.5).toFloatArray();
        double sx = 0, sy = 0, sw = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                sx += v[y * SIZE + x] * x;
                sy += v[y * SIZE + x] * y;
                sw += v[y * SIZE + x];
            }
        }
        return new double[]{sx / sw, sy / sw};
    }

    /** A first step [1, 3] that moves by (vx, vy) and keeps the size. */
    private static NDArray velocity(NDManager m, float vx, float vy) {
        return m.create(new float[]{vx, vy, 0}, new Shape(1, 3));
    }

    @Test
    void whatTheFirstStepsVelocityIsTaughtIsTheClipsOwnMoveFromFrameZeroToFrameOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            MotionCompensation mc = new MotionCompensation(3, 0.1f, 3);
            NDArray clips = NDArrays.concat(new NDList(movingSquare(m, 2, 4, 2), movingSquare(m, 2, 8, -1), movingSquare(m, 2, 6, 0)), 0);
            NDArray noisy = clips.add(FlowFixtures.randn(m, new Random(3), clips.getShape().getShape()).mul(0.1));
            float[] v = mc.firstStepTarget(noisy).toFloatArray();
            assertEquals(2, v[0], 0.1, "2 px right");
            assertEquals(-1, v[3], 0.1, "1 px left");
            assertEquals(0, v[6], 0.1, "still");
            for (int c = 0; c < 3; c++) {
                assertEquals(0, v[c * 3 + 1], 0.1, "no move up or down");
                assertEquals(0, v[c * 3 + 2], 0.03, "no growth");
            }
        }
    }

    @Test
    void theTextsFirstStepVelocityDecidesHowFrameOneIsCoded() {
        FlowConfig with = FlowFixtures.videoMovingFirstStep();
        try (NDManager m = NDManager.newBaseManager(); StarFlow a = StarFlow.initialise(with, m, 21)) {
            FlowFixtures.perturbProjOut(a, 22);
            Random rng = new Random(9);
            NDArray x = FlowFixtures.latent(m, with, rng, 2, 4);
            TextFeatures text = FlowFixtures.text(m, with, rng, 2);
            NDArray still = a.forward(x, text).z();
            a.parameters().get("first_step.bias").set(new float[]{0.8f, -0.5f});
            NDArray moved = a.forward(x, text).z();
            int plane = (int) (still.size() / 2 / 4);
            assertEquals(0, maxAbsDiff(frameOf(moved, 0, plane), frameOf(still, 0, plane)), 1e-6, "frame 0 does not read it");
            assertTrue(maxAbsDiff(moved, still) > 1e-3, "a learnt velocity changes frame 1's coding");
            a.parameters().get("first_step.size_bias").set(new float[]{0.2f});
            NDArray grown = a.forward(x, text).z();
            assertEquals(0, maxAbsDiff(frameOf(grown, 0, plane), frameOf(still, 0, plane)), 1e-6, "nor does it read the size rate");
            assertTrue(maxAbsDiff(grown, moved) > 1e-3, "a learnt size rate changes frame 1's coding too");
        }
    }

    /** Frame t's part of each row of z [B, T * plane] or [B, T, ...], flattened. */
    private static NDArray frameOf(NDArray z, int t, int plane) {
        return z.reshape(z.getShape().get(0), -1).get(new NDIndex().addAllDim().addSliceDim((long) t * plane, (long) (t + 1) * plane));
    }

    static Stream<Arguments> compensatedFlows() {
        return Stream.of(
                Arguments.of("sequential", (Supplier<FlowConfig>) FlowFixtures::videoMotionCompensated),
                Arguments.of("deep block reading the prediction, Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoReadingPrediction),
                Arguments.of("first step moved by the text, Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoMovingFirstStep),
                Arguments.of("edits recoloured by the text, Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoRecolouringEdits),
                Arguments.of("edit results marked, Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoMarkingEditResults));
    }

    @Test
    void theEditSegmentChangesHowAnEditsResultIsCodedAndNothingElse() {
        FlowConfig cfg = FlowFixtures.videoMarkingEditResults();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow marked = FlowFixtures.perturbedModel(cfg, m, 29);
             StarFlow unmarked = FlowFixtures.perturbedModel(cfg, m, 29)) {
            for (String name : unmarked.parameters().names()) {
                if (name.endsWith("edit_segment")) {
                    NDArray p = unmarked.parameters().get(name);
                    assertTrue(marked.parameters().get(name).abs().max().getFloat() > 0, "the fixture's segment is not zero");
                    p.set(new float[(int) p.size()]);
                }
            }
            Random rng = new Random(17);
            TextFeatures text = FlowFixtures.text(m, cfg, rng, 1);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 1, 6).mul(0.5);
            assertEquals(0.0, maxAbsDiff(marked.forward(x, text, 0).z(), unmarked.forward(x, text, 0).z()), 1e-6,
                    "a plain clip has no result frames");
            NDArray a = marked.forward(x, text, 3).z();
            NDArray b = unmarked.forward(x, text, 3).z();
            NDIndex source = new NDIndex().addAllDim().addSliceDim(0, 3);
            NDIndex result = new NDIndex().addAllDim().addSliceDim(3, 6);
            assertEquals(0.0, maxAbsDiff(a.get(source), b.get(source)), 1e-6, "an edit's source is coded as a plain clip's frames");
            assertTrue(maxAbsDiff(a.get(result), b.get(result)) > 1e-3, "its result frames read the segment");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compensatedFlows")
    void anEditsResultAfterItsSourceIsSampledAsTheForwardPassCodesIt(String name, Supplier<FlowConfig> config) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 27)) {
            Random rng = new Random(13);
            TextFeatures text = FlowFixtures.text(m, cfg, rng, 1);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 1, 6);
            NDArray context = FlowFixtures.latent(m, cfg, rng, 1, 3).mul(0.5);
            InverseMethod method = cfg.predictionContext() ? new JacobiInverse(4, 200, 1e-7) : new SequentialInverse();
            float[][] drafts = new float[6][];
            NDArray cut = model.reverse(z, Conditioning.on(text), ReverseOptions.of(method).withContext(context).withEditResult()
                    .withDrafts((index, data) -> drafts[index] = data.toFloatArray()));
            NDArray again = model.forward(cut, text, 3).z().get(new NDIndex().addAllDim().addSliceDim(3, 6));
            double err = maxAbsDiff(again, z.get(new NDIndex().addAllDim().addSliceDim(3, 6)));
            assertTrue(err < 1e-3, "forward(x, edit from 3) gives the noise back up to " + err);
            for (int t = 3; t < 6; t++) {
                assertTrue(maxAbsDiff(drafts[t], frame(cut, t).toFloatArray()) < 1e-4, "draft " + t + " of the result");
            }
            NDArray joined = model.reverse(z, Conditioning.on(text), ReverseOptions.of(method).withContext(context));
            assertTrue(maxAbsDiff(frame(joined, 4), frame(cut, 4)) > 1e-3, "read as a continuation the new frames are others");
        }
    }

    @Test
    void aFlowWithMotionCompensationIsVolumePreservingSoItsLikelihoodIsThatOfTheResidual() {
        FlowConfig with = FlowFixtures.videoMotionCompensated();
        FlowConfig without = FlowFixtures.videoFrameLocal();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow a = FlowFixtures.perturbedModel(with, m, 21);
             StarFlow b = FlowFixtures.perturbedModel(without, m, 21)) {
            Random rng = new Random(9);
            NDArray x = FlowFixtures.latent(m, with, rng, 2, 4);
            TextFeatures text = FlowFixtures.text(m, with, rng, 2);
            NDArray residual = new MotionCompensation(1, with.noiseStd(), with.inChannels()).residual(x);
            ForwardPass pa = a.forward(x, text);
            ForwardPass pb = b.forward(residual, text);
            assertTrue(maxAbsDiff(pa.z(), pb.z()) < 1e-5, "the same blocks see the residual: " + maxAbsDiff(pa.z(), pb.z()));
            assertTrue(maxAbsDiff(pa.loss(), pb.loss()) < 1e-5, "and no log-determinant is added");
        }
    }

    static Stream<Arguments> draftedFlows() {
        return Stream.of(
                Arguments.of("sequential", (Supplier<FlowConfig>) FlowFixtures::videoMotionCompensated, 0f),
                Arguments.of("deep block reading the prediction, guided Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoReadingPrediction, 2.5f),
                Arguments.of("first step moved by the text, guided Jacobi", (Supplier<FlowConfig>) FlowFixtures::videoMovingFirstStep, 2.5f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("draftedFlows")
    void draftsOfAMotionCompensatedFlowAreTheFramesOfTheSampleNotTheirResiduals(String name, Supplier<FlowConfig> config, float guidance) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 23)) {
            Random rng = new Random(10);
            TextFeatures text = FlowFixtures.text(m, cfg, rng, 1);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 1, 6);
            Conditioning c = guidance > 0 ? new Conditioning(text, FlowFixtures.emptyCaption(m, cfg, rng, 1), guidance) : Conditioning.on(text);
            InverseMethod method = guidance > 0 ? new JacobiInverse(4, 32, 1e-4) : new SequentialInverse();
            float[][] drafts = new float[6][];
            NDArray sample = model.reverse(z, c, ReverseOptions.of(method).withDrafts((index, data) -> drafts[index] = data.toFloatArray()));
            for (int t = 0; t < 6; t++) {
                float[] want = frame(sample, t).toFloatArray();
                assertTrue(maxAbsDiff(drafts[t], want) < 1e-4, "draft " + t + " differs from the sample's frame");
            }
            NDArray context = sample.get(new NDIndex().addAllDim().addSliceDim(0, 3)).duplicate();
            float[][] after = new float[6][];
            NDArray continued = model.reverse(z, c, ReverseOptions.of(method)
                    .withContext(context).withDrafts((index, data) -> after[index] = data.toFloatArray()));
            assertNull(after[0], "context frames are not drafted");
            for (int t = 3; t < 6; t++) {
                assertTrue(maxAbsDiff(after[t], frame(continued, t).toFloatArray()) < 1e-4, "draft " + t + " after the context");
            }
        }
    }
}
