package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/** Token by token: x_t = z_t a_t + b_t, each step one token's compute thanks to the KV cache. */
public record SequentialInverse() implements InverseMethod {

    @Override
    public NDArray solve(InverseStep step, NDArray zp, int frameSize, NDArray known) {
        long batch = zp.getShape().get(0);
        int n = (int) zp.getShape().get(1);
        NDList tokens = new NDList(n);
        NDArray previous = step.sos(batch);
        int p = step.feedKnown(previous, known);
        if (p > 0) {
            tokens.add(known.duplicate());
            previous = known.get(new NDIndex().addAllDim().addSliceDim(p - 1, p));
        }
        for (int t = p; t < n; t++) {
            NDArray xt;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                xt = step.next(previous, () -> NDArrays.concat(tokens, 1)).sample(zp.get(new NDIndex().addAllDim().addSliceDim(t, t + 1)));
                NDScope.unregister(xt);
            }
            tokens.add(xt);
            previous = xt;
            step.done(t + 1, () -> NDArrays.concat(tokens, 1));
        }
        NDArray x = NDArrays.concat(tokens, 1);
        tokens.close();
        return x;
    }
}
