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
public final class InverseStep implements AutoCloseable {

    private final FlowBlock block;
    private final KvCache cache;
    private final RotaryTable rope;
    private final float guidance;
    private final boolean guided;

    private final IntConsumer progress;
    private final FrameListener frames;
    private final FrameSight sight;
    private final int frameSize;
    private final TokenLayout layout;
    private int framesTold;
    /** Tokens known to be final (told through {@link #done}). */
    private int finalTokens;
    /** The motion context of a whole frame whose earlier frames are final, kept for its tokens: frame, context. */
    private int contextFrame = -1;
    private NDArray frameContext;

    /** Hears of every frame whose tokens are final, in order: [B', frameSize, D] in the block's token order. */
    @FunctionalInterface
    interface FrameListener {
        void frame(int index, NDArray tokens);
    }

    /**
     * What the coding of frame {@code index} sees ([B', frameSize, 2D] in the block's token order), for a block that
     * {@link FlowBlock#readsPrediction}: asked for only once the frames before it are final and told to the
     * block's {@link FrameListener}; the array stays valid until the pass ends.
     */
    @FunctionalInterface
    interface FrameSight {
        NDArray frame(int index);
    }

    InverseStep(FlowBlock block, KvCache cache, RotaryTable rope, boolean guided, float guidance,
                IntConsumer progress, FrameListener frames, FrameSight sight, TokenLayout layout) {
        if (block.readsPrediction() && layout.frames() > 1 && (sight == null || frames == null)) {
            throw new IllegalArgumentException("a block that reads the predicted frame needs its sight and a frame listener");
        }
        this.frames = frames;
        this.sight = sight;
        this.layout = layout;
        this.frameSize = layout.frameSize();
        this.progress = progress;
        this.block = block;
        this.cache = cache;
        this.rope = rope;
        this.guided = guided;
        this.guidance = guidance;
    }

    /**
     * (a, b) for inputs [B', n, D] at the next n positions; guided when the batch holds both branches.
     * {@code solved} gives the block's tokens so far [B', >= the next positions' first frame start, D], the
     * current guess where they are not final; it is asked for only by a block that reads earlier frames
     * directly, and once per frame when those frames are final.
     */
    public Affine next(NDArray inputs, Supplier<NDArray> solved) {
        int first = cache.length() - cache.prefix();
        Affine ab = block.predict(inputs, block.readsMotion() ? context(inputs, solved) : null,
                sight != null ? seen(first, (int) inputs.getShape().get(1)) : null, cache, rope);
        return guided ? Guidance.apply(ab, guidance) : ab;
    }

    /**
     * What the coding of tokens first .. first+n-1 sees. Each frame's comes from the frames before it, so those
     * must be final: the inverse methods solve frame by frame past the first (a chunk that starts in a frame whose
     * earlier frames are not final cannot be solved here).
     */
    private NDArray seen(int first, int n) {
        int f0 = first / frameSize;
        int f1 = (first + n - 1) / frameSize;
        if ((long) f1 * frameSize > finalTokens) {
            throw new IllegalStateException("a block that reads the predicted frame solves one frame at a time; tokens "
                    + first + ".." + (first + n - 1) + " reach frame " + f1 + " before the frames before it are final");
        }
        NDList parts = new NDList();
        for (int f = f0; f <= f1; f++) {
            parts.add(sight.frame(f));
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
        int offset = first - f0 * frameSize;
        return all.get(new NDIndex().addAllDim().addSliceDim(offset, offset + n));
    }

    private NDArray context(NDArray inputs, Supplier<NDArray> solved) {
        int n = (int) inputs.getShape().get(1);
        int first = cache.length() - cache.prefix();
        if (first + n <= frameSize) {
            // the first frame reads no earlier frame: its context is zeros, shaped from the inputs alone
            solved = () -> inputs;
        }
        int frame = first / frameSize;
        if (frame != (first + n - 1) / frameSize || frame * frameSize > finalTokens) {
            return block.motionContext(solved.get(), first, n, layout);
        }
        if (frame != contextFrame) {
            close();
            frameContext = block.motionContext(solved.get(), frame * frameSize, frameSize, layout);
            NDScope.unregister(frameContext);
            contextFrame = frame;
        }
        int offset = first - frame * frameSize;
        return frameContext.get(new NDIndex().addAllDim().addSliceDim(offset, offset + n));
    }

    /** Whether chunks solved together must stay inside one frame: the block reads what each frame's coding sees. */
    public boolean solvesByFrame() {
        return sight != null;
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
            block.predict(inputs, block.readsMotion() ? block.motionContext(known, 0, p, layout) : null,
                    sight != null ? knownSeen(p, () -> known) : null, cache, rope);
        }
        done(p, () -> known);
        return p;
    }

    /** What the coding of the first p tokens, all known, sees: each known frame is told first, then read. */
    private NDArray knownSeen(int p, Supplier<NDArray> known) {
        done(p, known);
        return seen(0, p);
    }

    /**
     * Tells the listeners how many tokens of this block are final; {@code solved} gives at least those
     * tokens [B', >= tokens, D] and is only asked for when a frame has been completed.
     */
    public void done(int tokens, Supplier<NDArray> solved) {
        finalTokens = Math.max(finalTokens, tokens);
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

    /** Frees the kept frame context. */
    @Override
    public void close() {
        if (frameContext != null) {
            frameContext.close();
            frameContext = null;
            contextFrame = -1;
        }
    }
}
