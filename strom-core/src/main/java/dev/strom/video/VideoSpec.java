package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import dev.strom.tensor.Tensors;

/** What clips a text-to-video model makes: frames of size x size RGB at fps, scaled to [-1, 1]. */
public record VideoSpec(int frames, int size, double fps) {

    public VideoSpec {
        if (frames <= 0 || size <= 0 || !(fps > 0)) {
            throw new IllegalArgumentException("video spec needs positive frames, size and fps");
        }
    }

    public int channels() {
        return 3;
    }

    /** Values per clip; a clip too long to hold in one array is refused rather than wrapping to a negative size. */
    public int dims(int frames) {
        try {
            return Math.multiplyExact(frames, Math.multiplyExact(channels(), Math.multiplyExact(size, size)));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(frames + " frames of " + size + "x" + size + " do not fit in one array");
        }
    }

    /** Clips of {@code frames} frames each (the first frames of longer ones), stacked into one [B, T, C, H, W] array. */
    public NDArray stack(NDManager manager, List<float[]> clips, int frames) {
        int d = dims(frames);
        float[] all = new float[clips.size() * d];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(clips.get(i), 0, all, i * d, d);
        }
        return Tensors.of(manager, all, new Shape(clips.size(), frames, channels(), size, size));
    }
}
