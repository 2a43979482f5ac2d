package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.StarFlow;

/**
 * A least-squares start for the first step's velocity ({@code first_step_motion}): the linear map from the mean of
 * the text's rows to the clips' own moves from frame 0 to frame 1 ({@link StarFlow#firstStepTarget}) that fits a
 * sample of training clips best, with a small ridge, set as {@code first_step.weight} and {@code first_step.bias}.
 * <p>
 * Why: the velocity reads the text without training it, and from zero a learning rate that leaves the rest of the
 * model intact moved it too slowly (after 75 steps every caption still read about (0, -0.5) px, 0.81 px from the
 * clips' moves). The map is linear, so the best start is one solve, and training goes on from there. The velocity
 * passes through r tanh(v / r), so the fit is of r atanh(move / r), with the moves kept within 0.95 r.
 */
public final class FirstStepFit {

    /** Ridge on the weights (not the bias), relative to the mean of the Gram matrix's diagonal. */
    private static final double RIDGE = 1e-3;

    private final StarFlow flow;
    private final int features;
    /** Sums of f f^T and f t^T over the clips, f the text mean with a 1 appended, t the move before the tanh. */
    private final double[] gram;
    private final double[] cross;
    private int clips;

    public FirstStepFit(StarFlow flow) {
        if (!flow.config().firstStepMotion()) {
            throw new IllegalArgumentException("the flow has no first step to fit (first_step_motion)");
        }
        this.flow = flow;
        this.features = flow.config().txtDim() + 1;
        this.gram = new double[features * features];
        this.cross = new double[features * 2];
    }

    /** Adds clips x [B, T >= 2, C, H, W] under their text y [B, L, txt_dim]; clips of one frame are left out. */
    public void add(NDArray x, NDArray y) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(1) < 2) {
            return;
        }
        int b = (int) s.get(0);
        NDManager m = x.getManager();
        NDArray one = m.ones(new Shape(b, 1), y.getDataType());
        float[] f = NDArrays.concat(new NDList(flow.firstStepFeatures(y), one), 1).toFloatArray();
        float[] move = flow.firstStepTarget(x).toFloatArray();
        double r = flow.config().motionCompensation();
        for (int i = 0; i < b; i++) {
            double[] t = new double[2];
            for (int k = 0; k < 2; k++) {
                double kept = Math.max(-0.95, Math.min(0.95, move[i * 2 + k] / r));
                t[k] = r * 0.5 * Math.log((1 + kept) / (1 - kept));
            }
            for (int p = 0; p < features; p++) {
                double fp = f[i * features + p];
                for (int q = 0; q < features; q++) {
                    gram[p * features + q] += fp * f[i * features + q];
                }
                cross[p * 2] += fp * t[0];
                cross[p * 2 + 1] += fp * t[1];
            }
        }
        clips += b;
    }

    /** Clips added so far. */
    public int clips() {
        return clips;
    }

    /** Sets the flow's first-step weights to the fit; {@code m} holds the solve's temporaries. */
    public void apply(NDManager m) {
        if (clips == 0) {
            throw new IllegalStateException("no clips of two frames or more to fit the first step to");
        }
        double[] a = gram.clone();
        double diagonal = 0;
        for (int p = 0; p < features - 1; p++) {
            diagonal += a[p * features + p];
        }
        double ridge = RIDGE * Math.max(diagonal / (features - 1), 1e-12);
        for (int p = 0; p < features - 1; p++) {
            a[p * features + p] += ridge;
        }
        float[] solved = m.create(a, new Shape(features, features)).inverse()
                .matMul(m.create(cross, new Shape(features, 2))).toType(DataType.FLOAT32, false)
                .toFloatArray();
        float[] weight = new float[(features - 1) * 2];
        System.arraycopy(solved, 0, weight, 0, weight.length);
        flow.parameters().get("first_step.weight").set(weight);
        flow.parameters().get("first_step.bias").set(new float[]{solved[weight.length], solved[weight.length + 1]});
    }
}
