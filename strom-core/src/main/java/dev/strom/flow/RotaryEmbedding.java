package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.Tensors;

/**
 * STARFlow's rotary positions: x and y axes for image tokens (scaled so the grid spans pt_seq_len), and
 * a time axis of 8 frequency pairs that indexes frames and, for the text prefix, the text position.
 * Angles for pair i rotate channels (2i, 2i+1). Positions follow the sequence index, not the content a
 * permutation moved there.
 */
public final class RotaryEmbedding {

    private static final double THETA = 10000;
    private final int headDim;
    private final boolean timeAxis;
    private final float[] freqsXy;
    private final float[] freqsT;
    private final int ptSeqLen;

    public RotaryEmbedding(FlowConfig config) {
        this.headDim = config.headDim();
        this.ptSeqLen = config.effectivePtSeqLen();
        this.timeAxis = config.txtSize() > 0;
        int half = headDim / 2;
        int xyDim = timeAxis ? half - FlowConfig.TIME_ROPE_DIMS : half;
        freqsXy = new float[xyDim / 2];
        for (int j = 0; j < freqsXy.length; j++) {
            freqsXy[j] = (float) (1.0 / (float) Math.pow(THETA, (float) (2 * j) / (float) xyDim));
        }
        freqsT = new float[timeAxis ? FlowConfig.TIME_ROPE_DIMS : 0];
        for (int j = 0; j < freqsT.length; j++) {
            freqsT[j] = (float) (1.0 / (float) Math.pow(THETA, (float) j / (float) FlowConfig.TIME_ROPE_DIMS));
        }
        if (2 * freqsXy.length + freqsT.length != half) {
            throw new IllegalArgumentException("head_dim " + headDim + " does not split into rotary axes");
        }
    }

    public float[] spatialFrequencies() {
        return freqsXy.clone();
    }

    public float[] temporalFrequencies() {
        return freqsT.clone();
    }

    /** The rotation table for [text prefix of textLength; tokens of layout]. */
    public RotaryTable table(NDManager manager, TokenLayout layout, int textLength) {
        if (!timeAxis && (layout.frames() > 1 || textLength > 0)) {
            throw new IllegalArgumentException("video or text positions need the time axis (txt_size > 0)");
        }
        int n = layout.length();
        int s = textLength + n;
        int half = headDim / 2;
        float[] angles = new float[s * half];
        float meanLen = (float) Math.sqrt((double) layout.height() * layout.width());
        for (int l = 0; l < textLength; l++) {
            float pt = (float) l / (float) textLength * ptSeqLen;
            fill(angles, l * half, 0f, 0f, pt);
        }
        for (int i = 0; i < n; i++) {
            int f = i / layout.frameSize();
            int r = (i % layout.frameSize()) / layout.width();
            int c = i % layout.width();
            fill(angles, (textLength + i) * half, (float) r / meanLen * ptSeqLen, (float) c / meanLen * ptSeqLen, f);
        }
        NDArray theta = Tensors.of(manager, angles, new Shape(s, half, 1)).repeat(2, 2).reshape(s, headDim);
        NDArray cos = theta.cos();
        float[] sign = new float[headDim];
        for (int j = 0; j < headDim; j++) {
            sign[j] = j % 2 == 0 ? -1f : 1f;
        }
        NDArray signedSin = theta.sin().mul(Tensors.of(manager, sign));
        theta.close();
        return new RotaryTable(cos, signedSin);
    }

    private void fill(float[] angles, int at, float px, float py, float pt) {
        int k = at;
        for (float f : freqsXy) angles[k++] = px * f;
        for (float f : freqsXy) angles[k++] = py * f;
        for (float f : freqsT) angles[k++] = pt * f;
    }
}
