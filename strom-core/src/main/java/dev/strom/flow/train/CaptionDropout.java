package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.Random;

/**
 * Replaces a sample's text with the empty caption's with probability p, so one model learns both the
 * conditional and the unconditional density that guidance needs (STARFlow: 10%).
 */
public final class CaptionDropout {

    private final float probability;

    public CaptionDropout(float probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    /** Which rows of a batch to drop. */
    public boolean[] choose(int batch, Random rng) {
        boolean[] drop = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            drop[i] = rng.nextFloat() < probability;
        }
        return drop;
    }

    /**
     * @param y      text features [B, L, D]
     * @param yEmpty the empty caption's features [1, L, D]
     */
    public NDArray apply(NDArray y, NDArray yEmpty, boolean[] drop) {
        NDList rows = new NDList();
        for (int i = 0; i < drop.length; i++) {
            rows.add(drop[i] ? yEmpty : y.get(i + ":" + (i + 1)));
        }
        return NDArrays.concat(rows);
    }
}
