package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A train section's extension windows (STARFlow-V's "(extend) " examples), for the world and for folders alike: how
 * many a step adds ({@code extend_windows_per_step}, 0 for none), and how many frames each has before the model's
 * clip length ({@code extend_lead_frames}: a latent model encodes and drops them, so its window starts with a latent
 * frame of four).
 */
record ExtendWindowSettings(int perStep, int lead) {

    /** Reads the settings for clips of {@code frames} frames. */
    static ExtendWindowSettings of(JsonNode train, int frames) {
        ExtendWindowSettings s = new ExtendWindowSettings(train.path("extend_windows_per_step").asInt(0),
                train.path("extend_lead_frames").asInt(0));
        if (s.lead < 0 || s.lead >= frames) {
            throw new IllegalArgumentException("extend_lead_frames must be in 0.." + (frames - 1));
        }
        return s;
    }

    /** The frames of one window, for clips of {@code frames} frames. */
    int length(int frames) {
        return frames + lead;
    }
}
