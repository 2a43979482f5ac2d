package dev.strom.cli;

import dev.strom.media.MediaDecoder;
import dev.strom.media.MediaDecoder.Fit;
import dev.strom.media.MediaDecoder.Target;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Path;

/** Frames that open a video (a still for image-to-video, a clip to extend or edit), at the model's size and fps. */
final class ContextInput {

    private ContextInput() {
    }

    /** The first frame of an image (or video) file, centre-cropped to the model's size: [1, C, H, W]. */
    static float[] image(Path file, VideoSpec spec) throws IOException {
        return MediaDecoder.read(file, new Target(spec.size(), spec.fps(), 1), Fit.CROP).toModelLayout();
    }

    /** Every frame of a clip, resampled to the model's fps and centre-cropped to its size: [T, C, H, W]. */
    static float[] clip(Path file, VideoSpec spec) throws IOException {
        return MediaDecoder.decode(file, new Target(spec.size(), spec.fps(), 0), Fit.CROP).clip().toModelLayout();
    }
}
