package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.MotionCompensation;
import dev.strom.flow.StarFlow;
import dev.strom.flow.TextFeatures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.strom.tensor.Tensors;

/**
 * A least-squares start for the first step ({@code first_step_motion}): each word's velocity and size rate, and a
 * bias, such that the sums over the captions' words ({@link StarFlow#firstStep}) fit a sample of training clips' own
 * steps from frame 0 to frame 1 ({@link StarFlow#firstStepTarget}) best, with a small ridge; set as
 * {@code first_step.words}, {@code first_step.bias}, {@code first_step.size} and {@code first_step.size_bias}.
 * <p>
 * Why: from zero, a learning rate that leaves the rest of the model intact moved the velocity too slowly (after 75
 * steps every caption still read about (0, -0.5) px, 0.81 px from the clips' moves). The map is linear, so the best
 * start is one solve, and training goes on from there. The velocity passes through r tanh(v / r), so the fit is of
 * r atanh(move / r), with the moves kept within 0.95 r (the size rate likewise within its bound). Only the words the
 * sample holds are solved for; the others keep a velocity and size rate of zero.
 */
public final class FirstStepFit {

    /** Values of a first step: velocity x, y and size rate. */
    private static final int STEP = 3;
    /** Ridge on the words (not the bias), relative to the mean of the Gram matrix's diagonal. */
    private static final double RIDGE = 1e-3;

    private final StarFlow flow;
    /** The clips' words, word feature -> count, and their steps before the tanh. */
    private final List<Map<Integer, Float>> words = new ArrayList<>();
    private final List<double[]> moves = new ArrayList<>();

    public FirstStepFit(StarFlow flow) {
        if (!flow.config().firstStepMotion()) {
            throw new IllegalArgumentException("the flow has no first step to fit (first_step_motion)");
        }
        this.flow = flow;
    }

    /** Adds clips x [B, T >= 2, C, H, W] under their text y; clips of one frame are left out. */
    public void add(NDArray x, TextFeatures y) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(1) < 2) {
            return;
        }
        int b = (int) s.get(0);
        int vocab = flow.config().txtVocab();
        float[] counts = y.words().toFloatArray();
        float[] move = flow.firstStepTarget(x).toFloatArray();
        double r = flow.config().motionCompensation();
        for (int i = 0; i < b; i++) {
            Map<Integer, Float> bag = new LinkedHashMap<>();
            for (int w = 0; w < vocab; w++) {
                if (counts[i * vocab + w] != 0) {
                    bag.put(w, counts[i * vocab + w]);
                }
            }
            // the moves before the tanh that keeps velocities within the radius and size rates within their bound
            double[] t = new double[STEP];
            for (int k = 0; k < STEP; k++) {
                double bound = k < 2 ? r : MotionCompensation.MAX_SIZE_RATE;
                double kept = Math.max(-0.95, Math.min(0.95, move[i * STEP + k] / bound));
                t[k] = bound * 0.5 * Math.log((1 + kept) / (1 - kept));
            }
            words.add(bag);
            moves.add(t);
        }
    }

    /** Clips added so far. */
    public int clips() {
        return moves.size();
    }

    /** Sets the flow's first-step weights to the fit; {@code m} holds the solve's temporaries. */
    public void apply(NDManager m) {
        if (moves.isEmpty()) {
            throw new IllegalStateException("no clips of two frames or more to fit the first step to");
        }
        // the words the sample holds, in a compact order, then the bias
        Map<Integer, Integer> column = new LinkedHashMap<>();
        words.forEach(bag -> bag.keySet().forEach(w -> column.putIfAbsent(w, column.size())));
        int n = column.size() + 1;
        double[] gram = new double[n * n];
        double[] cross = new double[n * STEP];
        for (int i = 0; i < moves.size(); i++) {
            int[] cols = new int[words.get(i).size() + 1];
            double[] vals = new double[cols.length];
            int j = 0;
            for (Map.Entry<Integer, Float> e : words.get(i).entrySet()) {
                cols[j] = column.get(e.getKey());
                vals[j++] = e.getValue();
            }
            cols[j] = n - 1;
            vals[j] = 1;
            for (int p = 0; p < cols.length; p++) {
                for (int q = 0; q < cols.length; q++) {
                    gram[cols[p] * n + cols[q]] += vals[p] * vals[q];
                }
                for (int k = 0; k < STEP; k++) {
                    cross[cols[p] * STEP + k] += vals[p] * moves.get(i)[k];
                }
            }
        }
        double diagonal = 0;
        for (int p = 0; p < n - 1; p++) {
            diagonal += gram[p * n + p];
        }
        double ridge = RIDGE * Math.max(diagonal / Math.max(n - 1, 1), 1e-12);
        for (int p = 0; p < n - 1; p++) {
            gram[p * n + p] += ridge;
        }
        float[] solved = Tensors.of(m, gram, new Shape(n, n)).inverse()
                .matMul(Tensors.of(m, cross, new Shape(n, STEP))).toType(DataType.FLOAT32, false).toFloatArray();
        float[] weight = new float[flow.config().txtVocab() * 2];
        float[] size = new float[flow.config().txtVocab()];
        column.forEach((w, c) -> {
            weight[w * 2] = solved[c * STEP];
            weight[w * 2 + 1] = solved[c * STEP + 1];
            size[w] = solved[c * STEP + 2];
        });
        int bias = (n - 1) * STEP;
        flow.parameters().get("first_step.words").set(weight);
        flow.parameters().get("first_step.bias").set(new float[]{solved[bias], solved[bias + 1]});
        flow.parameters().get("first_step.size").set(size);
        flow.parameters().get("first_step.size_bias").set(new float[]{solved[bias + 2]});
    }
}
