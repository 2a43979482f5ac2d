package dev.strom.video;

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

    /** Values per clip. */
    public int dims(int frames) {
        return frames * channels() * size * size;
    }
}
