package dev.strom.flow.train;

import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

/** Linear warm-up from zero, then cosine decay to the minimum, built from DJL's trackers. */
public final class LearningRateSchedule {

    private final Tracker tracker;

    public LearningRateSchedule(TrainSettings s) {
        Tracker cosine = s.minLearningRate() >= s.learningRate() ? Tracker.fixed(s.learningRate()) : CosineTracker.builder()
                .setBaseValue(s.learningRate())
                .optFinalValue(s.minLearningRate())
                .setMaxUpdates(Math.max(1, s.totalSteps()))
                .build();
        tracker = s.warmupSteps() > 0
                ? WarmUpTracker.builder().setMainTracker(cosine).optWarmUpSteps(s.warmupSteps())
                  .optWarmUpBeginValue(0f).build()
                : cosine;
    }

    /** The learning rate for update number {@code step} (0-based). */
    public float at(int step) {
        return tracker.getNewValue(step);
    }
}
