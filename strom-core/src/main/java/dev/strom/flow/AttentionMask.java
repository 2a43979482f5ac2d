package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.Tensors;

/** Additive attention masks (0 = may attend, -inf = may not). */
final class AttentionMask {

    private AttentionMask() {
    }

    /** Queries at positions start .. start+n see keys 0 .. their own position. Null when nothing is hidden. */
    static NDArray causal(NDManager m, int n, int start) {
        if (n == 1) {
            return null;
        }
        int keys = start + n;
        float[] mask = new float[n * keys];
        for (int i = 0; i < n; i++) {
            for (int j = start + i + 1; j < keys; j++) {
                mask[i * keys + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Tensors.of(m, mask, new Shape(n, keys));
    }

    /**
     * The learned denoiser's frame window over [text; frames]: any text key, and frames from
     * (own frame + causal - 1 - window) to (own frame + causal - 1), i.e. one frame of look-ahead for
     * causal = 2. Text queries count as frame -1 for the lower edge and frame 0 for the upper.
     */
    static NDArray frameWindow(NDManager m, int textLength, int frameSize, int frames, int causal, int window) {
        int s = textLength + frames * frameSize;
        int g = window > 0 ? window : 10000;
        float[] mask = new float[s * s];
        for (int q = 0; q < s; q++) {
            int lower = Math.floorDiv(q - textLength, frameSize) + causal - 1 - g;
            int upper = Math.floorDiv(Math.max(q - textLength, 0), frameSize) + causal - 1;
            for (int k = textLength; k < s; k++) {
                int f = (k - textLength) / frameSize;
                if (f < lower || f > upper) {
                    mask[q * s + k] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return Tensors.of(m, mask, new Shape(s, s));
    }
}
