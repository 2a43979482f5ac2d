package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Moves between the latent layout the model is called with (image [B, C, H, W], video [B, T, C, H, W])
 * and flat tokens [B, T*h*w, p*p*C] with features ordered (p1, p2, c), as the reference patchifies.
 */
record Latent(long batch, int frames, int channels, int height, int width, int patch, boolean video) {

    static Latent of(NDArray x, FlowConfig cfg, String what) {
        Shape s = x.getShape();
        int rank = s.dimension();
        if (rank != 4 && rank != 5) {
            throw new IllegalArgumentException(what + " must be [B, C, H, W] or [B, T, C, H, W], got shape " + s);
        }
        boolean video = rank == 5;
        int c = (int) s.get(rank - 3);
        int h = (int) s.get(rank - 2);
        int w = (int) s.get(rank - 1);
        int t = video ? (int) s.get(1) : 1;
        int p = cfg.patchSize();
        if (c != cfg.inChannels()) {
            throw new IllegalArgumentException(what + " has " + c + " channels but the model expects " + cfg.inChannels());
        }
        if (h % p != 0 || w % p != 0 || h == 0 || w == 0 || t == 0 || s.get(0) == 0) {
            throw new IllegalArgumentException(what + " shape " + s + " is empty or not divisible by patch size " + p);
        }
        return new Latent(s.get(0), t, c, h, w, p, video);
    }

    TokenLayout layout() {
        return new TokenLayout(frames, height / patch, width / patch);
    }

    int tokenDim() {
        return patch * patch * channels;
    }

    /** [B, (T,) C, H, W] -> [B, N, p*p*C]. */
    NDArray patchify(NDArray x) {
        int h = height / patch;
        int w = width / patch;
        return x.reshape(batch, frames, channels, h, patch, w, patch)
                .transpose(0, 1, 3, 5, 4, 6, 2)
                .reshape(batch, (long) frames * h * w, tokenDim());
    }

    /** [B, N, p*p*C] -> the latent layout. */
    NDArray unpatchify(NDArray tokens) {
        int h = height / patch;
        int w = width / patch;
        NDArray x = tokens.reshape(batch, frames, h, w, patch, patch, channels)
                .transpose(0, 1, 6, 2, 4, 3, 5);
        return video ? x.reshape(batch, frames, channels, height, width) : x.reshape(batch, channels, height, width);
    }
}
