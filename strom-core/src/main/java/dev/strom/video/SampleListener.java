package dev.strom.video;

import java.util.function.DoubleConsumer;

/**
 * Hears of a clip while it is made: progress as a fraction, and, when it {@linkplain #wantsFrames() asks for
 * them}, the frames as they are done (asking costs a little: drafts need the per-frame blocks inverted early).
 */
@FunctionalInterface
public interface SampleListener {

    /** Hears nothing. */
    SampleListener NONE = fraction -> {
    };

    /** The share of the clip done so far, 0 to 1. May throw to stop the run (e.g. CancellationException). */
    void progress(double fraction);

    /** Whether {@link #frames} should be called; false spares the drafts' cost. */
    default boolean wantsFrames() {
        return false;
    }

    /**
     * Frames [count, C, H, W] from frame {@code first}: each frame first as a draft as soon as the flow has made
     * it (before the window's denoising step), then, when its window is done, as final frames, in order.
     */
    default void frames(int first, int count, float[] frames, boolean draft) {
    }

    /** Receives frames; see {@link SampleListener#frames}. */
    @FunctionalInterface
    interface FrameSink {
        void accept(int first, int count, float[] frames, boolean draft);
    }

    /** Progress to {@code progress} (null: nowhere), frames to {@code sink}. */
    static SampleListener of(DoubleConsumer progress, FrameSink sink) {
        return new SampleListener() {
            @Override
            public void progress(double fraction) {
                if (progress != null) {
                    progress.accept(fraction);
                }
            }

            @Override
            public boolean wantsFrames() {
                return true;
            }

            @Override
            public void frames(int first, int count, float[] frames, boolean draft) {
                sink.accept(first, count, frames, draft);
            }
        };
    }
}
