package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.MotionCompensation;
import dev.strom.flow.StarFlow;
import dev.strom.flow.TextFeatures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.strom.tensor.Tensors;

/**
 * A fitted start for an edit's colours ({@code edit_colours}): the gates, named colours and source-colour mix that
 * predict a sample of training edits' first result frames best ({@link StarFlow#editColours(NDArray, TextFeatures, int)}),
 * found by full-batch Adam on the square error of the colours, set as the {@code edit_colours.*} weights.
 * <p>
 * Why: trained from zero beside the likelihood, 8 edits a step, the colours came slowly and noisily (a mean square
 * error of 0.89 after 50 steps and 0.76 after 100, docs/experiments.md, session 28), while the edits whose
 * colours were right were already made. The colours depend on the flow's weights not at all, so the whole sample is
 * one small problem solved before training; not a single solve as for the first step, because the gates multiply
 * the colours.
 */
public final class EditColourFit {

    /** Adam steps over the whole sample, and their learning rate: enough for the sample's error to settle. */
    private static final int STEPS = 600;
    private static final float LEARNING_RATE = 0.05f;

    private final StarFlow flow;
    private final List<float[]> words = new ArrayList<>();
    private final List<float[]> before = new ArrayList<>();
    private final List<float[]> shown = new ArrayList<>();

    public EditColourFit(StarFlow flow) {
        if (!flow.config().editColours()) {
            throw new IllegalArgumentException("the flow has no edit colours to fit (edit_colours)");
        }
        this.flow = flow;
    }

    /** Adds edits x [B, T, C, H, W] whose result starts at {@code editFrom}, under their instructions y. */
    public void add(NDArray x, TextFeatures y, int editFrom) {
        MotionCompensation.EditColourReading read = flow.editColours(x, y, editFrom);
        int b = (int) x.getShape().get(0);
        int vocab = flow.config().txtVocab();
        int colours = 2 * flow.config().inChannels();
        float[] w = y.words().toFloatArray();
        float[] o = read.before().toFloatArray();
        float[] s = read.shown().toFloatArray();
        for (int i = 0; i < b; i++) {
            words.add(Arrays.copyOfRange(w, i * vocab, (i + 1) * vocab));
            before.add(Arrays.copyOfRange(o, i * colours, (i + 1) * colours));
            shown.add(Arrays.copyOfRange(s, i * colours, (i + 1) * colours));
        }
    }

    /** Edits added so far. */
    public int edits() {
        return shown.size();
    }

    /**
     * Sets the flow's edit colours to the fit, from where they stand; {@code m} holds the fit's temporaries.
     *
     * @return the sample's mean square error of the colours before and after
     */
    public double[] apply(NDManager m) {
        if (shown.isEmpty()) {
            throw new IllegalStateException("no edits to fit the edit colours to");
        }
        int n = shown.size();
        NDArray w = Tensors.of(m, flatten(words), new Shape(n, flow.config().txtVocab()));
        NDArray b = Tensors.of(m, flatten(before), new Shape(n, before.get(0).length));
        NDArray s = Tensors.of(m, flatten(shown), new Shape(n, shown.get(0).length));
        TextFeatures text = new TextFeatures(null, w);
        Map<String, NDArray> params = new LinkedHashMap<>(flow.parameters().all());
        params.keySet().removeIf(name -> !name.startsWith("edit_colours."));
        TrainStep step = new TrainStep(params, TrainSettings.starflow(LEARNING_RATE, 0, STEPS));
        double first = error(text, b, s).getFloat();
        for (int i = 0; i < STEPS; i++) {
            step.run(() -> error(text, b, s));
        }
        return new double[]{first, error(text, b, s).getFloat()};
    }

    /** The colours' square error of the sample: words, colours before and colours shown. */
    private NDArray error(TextFeatures text, NDArray before, NDArray shown) {
        return new MotionCompensation.EditColourReading(before, flow.editColours(text).after(before), shown).squareError();
    }

    private static float[] flatten(List<float[]> rows) {
        float[] out = new float[rows.size() * rows.get(0).length];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * rows.get(i).length, rows.get(i).length);
        }
        return out;
    }
}
