package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** cos and sign-folded sin per position [S, head_dim], ready to rotate q and k. */
public record RotaryTable(NDArray cos, NDArray signedSin) implements AutoCloseable {

    public long length() {
        return cos.getShape().get(0);
    }

    /** Rotates x [B, H, n, hd] as positions start .. start+n. */
    public NDArray rotate(NDArray x, long start) {
        long n = x.getShape().get(2);
        long hd = x.getShape().get(3);
        NDIndex rows = new NDIndex().addSliceDim(start, start + n);
        NDArray c = cos.get(rows);
        NDArray s = signedSin.get(rows);
        var shape = x.getShape();
        // (x0, x1) -> (x1, x0); with sin signed (-, +) this is the pairwise rotation.
        NDArray swapped = x.reshape(shape.get(0), shape.get(1), n, hd / 2, 2).flip(4).reshape(shape);
        return x.mul(c).add(swapped.mul(s));
    }

    @Override
    public void close() {
        cos.close();
        signedSin.close();
    }
}
