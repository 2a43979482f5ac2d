package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A train section's future contrast (see {@link dev.strom.flow.train.TrainingObjective#futureContrast}), for the world
 * and for folders alike: how many clips a step contrasts ({@code future_contrast_per_step}, 0 for none), how many of
 * their frames are given ({@code future_given_min} .. {@code future_given_max}, one draw per step), and which wrong
 * continuations each is scored against ({@code future_corruptions}: any the data knows, by default its usual ones),
 * and which frames are read ({@code future_reads}): the whole continuation, or only the frame after the given ones
 * ({@code nextFrameOnly}). The flow is causal, so frames after the one read could not change it: the trainer cuts them
 * off (at the end of a flow frame, for a latent model), which asks the question {@code strom eval} asks (given the
 * real past, which next frame?) at about half the cost. Reading the whole continuation also rewards "a held object
 * stays held", which the caption alone can tell apart from a moving clip's frames.
 */
record FutureContrastSettings(int perStep, int givenMin, int givenMax, List<String> corruptions, boolean nextFrameOnly) {

    /**
     * Reads the settings for clips of {@code frames} frames, where the data can make the {@code known} corruptions
     * and uses {@code usual} when none are named; the range is checked only when future contrast is asked.
     */
    static FutureContrastSettings of(JsonNode train, int frames, List<String> known, List<String> usual) {
        List<String> named = new ArrayList<>();
        train.path("future_corruptions").forEach(n -> named.add(n.asText()));
        List<String> corruptions = named.isEmpty() ? usual : List.copyOf(named);
        if (!known.containsAll(corruptions)) {
            throw new IllegalArgumentException("future_corruptions may name " + String.join(", ", known) + ", not " + corruptions);
        }
        String reads = train.path("future_reads").asText("continuation");
        if (!reads.equals("continuation") && !reads.equals("next")) {
            throw new IllegalArgumentException("future_reads may be continuation or next, not " + reads);
        }
        FutureContrastSettings s = new FutureContrastSettings(train.path("future_contrast_per_step").asInt(0),
                train.path("future_given_min").asInt(2), train.path("future_given_max").asInt(frames - 4), corruptions,
                reads.equals("next"));
        if (s.perStep > 0 && (s.givenMin < 1 || s.givenMax < s.givenMin || s.givenMax >= frames)) {
            throw new IllegalArgumentException("future_given_min..future_given_max must lie in 1.." + (frames - 1));
        }
        return s;
    }

    /** A step's number of given frames. */
    int given(Random rng) {
        return givenMin + rng.nextInt(givenMax - givenMin + 1);
    }

    /** Rows per contrasted clip: the truth and each corruption. */
    int candidates() {
        return 1 + corruptions.size();
    }
}
