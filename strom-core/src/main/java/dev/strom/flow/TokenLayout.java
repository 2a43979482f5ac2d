package dev.strom.flow;

/** The token grid one flow block sees: frames x height x width tokens, flattened in raster order. */
public record TokenLayout(int frames, int height, int width) {

    public TokenLayout {
        if (frames <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("token layout must be positive, got " + frames + "x" + height + "x" + width);
        }
    }

    public int frameSize() {
        return height * width;
    }

    public int length() {
        return frames * height * width;
    }

    /** The same grid cut into one-frame sequences (how frame-local shallow blocks see a video). */
    public TokenLayout singleFrame() {
        return new TokenLayout(1, height, width);
    }
}
