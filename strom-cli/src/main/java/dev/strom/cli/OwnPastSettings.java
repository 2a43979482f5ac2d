package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.flow.train.TrainingObjective;
import dev.strom.video.Sampling;

import java.util.Random;

/**
 * A train section's own past ({@link TrainingObjective#withOwnPast}), for the world and for folders alike: the share
 * of each step's full clips ({@code own_past_share}, 0 for none) whose frames [from, from + count) the model makes
 * itself before the true frames after them are scored. One draw a step: from in 1 .. T - 2 (at most
 * {@code own_past_latest_start}), count in 1 .. {@code own_past_frames} (3 unless set) with at least one true frame
 * after; made at the model's own sampling guidance and temperature, so the slips are the ones its users' clips make.
 * <p>
 * {@code own_past_latest_start: 1} trains the first step alone: the model's own frame 1, then the true clip. Why: a
 * motion-compensated model carries on whatever its frame 1 did, and that first step, made without a velocity to
 * go on, is where it errs (docs/experiments.md, session 23).
 */
record OwnPastSettings(double share, int maxFrames, int latestStart) {

    static OwnPastSettings of(JsonNode train) {
        OwnPastSettings s = new OwnPastSettings(train.path("own_past_share").asDouble(0), train.path("own_past_frames").asInt(3),
                train.path("own_past_latest_start").asInt(Integer.MAX_VALUE));
        if (!(s.share >= 0 && s.share <= 1) || s.maxFrames < 1 || s.latestStart < 1) {
            throw new IllegalArgumentException("own_past_share must be in [0, 1], own_past_frames and own_past_latest_start at least 1");
        }
        return s;
    }

    boolean on() {
        return share > 0;
    }

    /** How many of a part's {@code n} clips continue from frames of the model's own (at least one when on). */
    int clips(int n) {
        return on() ? Math.max(1, Math.min(n, (int) Math.round(share * n))) : 0;
    }

    /** A step's frames of the model's own in clips of {@code frames} frames, made as {@code sampling} makes a clip. */
    TrainingObjective.OwnPast draw(int frames, Sampling sampling, Random rng) {
        if (frames < 3) {
            throw new IllegalArgumentException("own past needs clips of at least 3 frames, not " + frames);
        }
        int from = 1 + rng.nextInt(Math.min(latestStart, frames - 2));
        int count = 1 + rng.nextInt(Math.min(maxFrames, frames - 1 - from));
        return new TrainingObjective.OwnPast(from, count, sampling.guidance(), sampling.temperature());
    }
}
