package dev.strom.cli;

import dev.strom.video.TextToVideo;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.util.List;

/**
 * What the trainer learns from: per step, a batch in parts of equal clip length (full clips, one-frame stills,
 * short windows, ...), a held-out figure, and a line for the model card. Every step's batch follows from the
 * seed and the step number alone, so a resumed run sees exactly the data an uninterrupted one would.
 */
interface TrainingData {

    /** Clips of {@code frames} frames each, in the model's layout [T, C, H, W], with their captions. */
    record BatchPart(List<float[]> clips, int frames, List<String> captions) {
    }

    /** Opens the data once the model's clip format is known. */
    @FunctionalInterface
    interface Source {
        TrainingData open(VideoSpec spec) throws IOException;
    }

    /** The parts of step {@code step}'s batch; the first part's bits/dim is the one logged. */
    List<BatchPart> batch(int step);

    /** Mean conditional bits/dim on the held-out clips. */
    double heldOutBitsPerDim(TextToVideo model);

    /** What the model was trained on, for the model card. */
    String description();
}
