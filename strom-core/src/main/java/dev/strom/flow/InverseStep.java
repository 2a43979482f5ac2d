package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A flow block positioned inside an inverse pass: its KV cache, rotary table and guidance. Each call
 * predicts (a, b) for the next tokens from their inputs and advances the cache.
 */
public final class InverseStep {

    private final FlowBlock block;
    private final KvCache cache;
    private final RotaryTable rope;
    private final float guidance;
    private final boolean guided;

    private final IntConsumer progress;
    private final FrameListener frames;
    private final int frameSize;
    private int framesTold;

    /** Hears of every frame whose tokens are final, in order: [B', frameSize, D] in the block's token order. */
    @FunctionalInterface
    interface FrameListener {
        void frame(int index, NDArray tokens);
    }

    InverseStep(FlowBlock block, KvCache cache, RotaryTable rope, boolean guided, float guidance,
                IntConsumer progress, FrameListener frames, int frameSize) {
        this.frames = frames;
        this.frameSize = frameSize;
        this.progress = progress;
        this.block = block;
        this.cache = cache;
        this.rope = rope;
        this.guided = guided;
        this.guidance = guidance;
    }

    /** (a, b) for inputs [B', n, D] at the next n positions; guided when the batch holds both branches. */
    public Affine next(NDArray inputs) {
        Affine ab = block.predict(inputs, cache, rope);
        return guided ? Guidance.apply(ab, guidance) : ab;
    }

    /** The learned start token for every row: [B', 1, D]. */
    public NDArray sos(long batch) {
        return block.sosFor(batch);
    }

    /**
     * Runs the block over known leading tokens (their inputs: sos, then all but the last known token) so the
     * cache holds them, as if they had been generated. Returns how many tokens are known (0 for null).
     */
    int feedKnown(NDArray sos, NDArray known) {
        if (known == null) {
            return 0;
        }
        int p = (int) known.getShape().get(1);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray inputs = p == 1 ? sos
                    : NDArrays.concat(new NDList(sos,
                    known.get(new NDIndex().addAllDim().addSliceDim(0, p - 1))), 1);
            block.predict(inputs, cache, rope);
        }
        done(p, () -> known);
        return p;
    }

    /**
     * Tells the listeners how many tokens of this block are final; {@code solved} gives at least those
     * tokens [B', >= tokens, D] and is only asked for when a frame has been completed.
     */
    public void done(int tokens, Supplier<NDArray> solved) {
        if (progress != null) {
            progress.accept(tokens);
        }
        int complete = tokens / frameSize;
        if (frames != null && complete > framesTold) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray all = solved.get();
                for (int f = framesTold; f < complete; f++) {
                    frames.frame(f, all.get(new NDIndex().addAllDim().addSliceDim((long) f * frameSize, (long) (f + 1) * frameSize)));
                }
            }
            framesTold = complete;
        }
    }

    /** Forgets the last n positions (Jacobi redoes a chunk). */
    public void rewind(int n) {
        cache.rewind(n);
    }
}
