package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Block-wise Jacobi iteration: guess a chunk of tokens, run the block on the whole chunk at once,
 * update every token of it, and repeat until mean((new - old)^2) / mean(new^2) falls under the
 * threshold. The first guess for a chunk past the first frame is the same positions one frame earlier
 * (video-aware start). Chunks past the first frame are 4x larger.
 *
 * <p>Each instance records the iterations each chunk took, for benchmarks and parity checks.
 */
public final class JacobiInverse implements InverseMethod {

    private final int blockSize;
    private final int maxIterations;
    private final double threshold;
    private final List<Integer> iterations = new ArrayList<>();
    private final List<Double> changes = new ArrayList<>();

    public JacobiInverse(int blockSize, int maxIterations, double threshold) {
        if (blockSize <= 0 || maxIterations <= 0 || threshold < 0) {
            throw new IllegalArgumentException("Jacobi needs block size > 0, max iterations > 0, threshold >= 0");
        }
        this.blockSize = blockSize;
        this.maxIterations = maxIterations;
        this.threshold = threshold;
    }

    @Override
    public NDArray solve(InverseStep step, NDArray zp, int frameSize, NDArray known) {
        long batch = zp.getShape().get(0);
        int n = (int) zp.getShape().get(1);
        NDArray sos = step.sos(batch);
        NDArray x = NDArrays.concat(new NDList(sos, zp), 1);
        NDScope.unregister(x);
        int start = step.feedKnown(sos, known);
        if (start > 0) {
            x.set(slice(1, start + 1), known);
        }
        while (start < n) {
            int chunk = Math.min(start <= frameSize ? blockSize : 4 * blockSize, n - start);
            if (step.solvesByFrame()) {
                // what a frame's coding sees comes from the frames before it, which must be final first
                chunk = Math.min(chunk, frameSize - start % frameSize);
            }
            for (int i = 0; i < maxIterations; i++) {
                boolean done;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    int from = (i == 0 && start > frameSize) ? start - frameSize : start;
                    NDArray inputs = x.get(slice(from, from + chunk));
                    int solvedTo = start + chunk;
                    NDArray fresh = step.next(inputs, () -> x.get(slice(1, solvedTo + 1))).sample(zp.get(slice(start, start + chunk)));
                    NDIndex target = slice(start + 1, start + 1 + chunk);
                    double change = fresh.sub(x.get(target)).square().mean().getFloat()
                            / fresh.square().mean().getFloat();
                    x.set(target, fresh);
                    changes.add(change);
                    done = change < threshold || i == maxIterations - 1;
                    if (done) {
                        iterations.add(i + 1);
                    }
                }
                if (done) {
                    break;
                }
                step.rewind(chunk);
            }
            start += chunk;
            int solved = start;
            step.done(start, () -> x.get(slice(1, solved + 1)));
        }
        NDArray out = x.get(slice(1, n + 1)).duplicate();
        x.close();
        return out;
    }

    private static NDIndex slice(int from, int to) {
        return new NDIndex().addAllDim().addSliceDim(from, to);
    }

    /** Iterations each chunk took, in call order, since this instance was made. */
    public List<Integer> iterationsPerChunk() {
        return Collections.unmodifiableList(iterations);
    }

    /** Every iteration's relative change, in call order. */
    public List<Double> relativeChanges() {
        return Collections.unmodifiableList(changes);
    }
}
