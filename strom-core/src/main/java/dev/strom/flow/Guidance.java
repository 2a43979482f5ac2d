package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.strom.tensor.Scalar;

/**
 * STARFlow's classifier-free guidance for flows: each token's Gaussian (mean b, scale a) from the
 * conditional and unconditional passes is combined as if multiplying p_c^(1+w) / p_u^w:
 * r = min(a_c/a_u, 1)^2, a = a_c / sqrt(1 + w - w r), b = ((1 + w) b_c - w r b_u) / (1 + w - w r).
 */
public final class Guidance {

    private Guidance() {
    }

    /**
     * @param both scales and shifts [2B, n, D]: conditional rows first, unconditional rows second
     * @return the guided scale and shift, written into both halves so both branches continue from the guided tokens
     */
    public static Affine apply(Affine both, float w) {
        NDArray a = both.scale();
        NDArray b = both.shift();
        long half = a.getShape().get(0) / 2;
        NDArray ac = a.get("0:" + half);
        NDArray au = a.get(half + ":");
        NDArray bc = b.get("0:" + half);
        NDArray bu = b.get(half + ":");
        NDArray r = Scalar.minimum(ac.div(au), 1f).square();
        NDArray wr = Scalar.mul(r, w);
        NDArray denom = wr.neg().add(1f + w);
        NDArray ga = ac.div(denom.sqrt());
        NDArray gb = Scalar.mul(bc, 1f + w).sub(wr.mul(bu)).div(denom);
        return new Affine(NDArrays.concat(new NDList(ga, ga)), NDArrays.concat(new NDList(gb, gb)));
    }
}
