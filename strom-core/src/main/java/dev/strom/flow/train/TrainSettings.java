package dev.strom.flow.train;

/**
 * Optimiser and schedule settings: AdamW with STARFlow's betas and weight decay, linear warm-up then
 * cosine decay, global-norm clipping, and skipping of steps whose loss is not finite or whose gradient
 * norm explodes.
 *
 * @param learningRate peak learning rate
 * @param minLearningRate value the cosine reaches at totalSteps
 * @param warmupSteps  linear warm-up from 0
 * @param totalSteps   steps of the whole schedule
 * @param clipNorm     global gradient norm bound (0 disables clipping)
 * @param explodeNorm  a step whose gradient norm exceeds this is skipped
 */
public record TrainSettings(float learningRate, float minLearningRate, int warmupSteps, int totalSteps,
                            float beta1, float beta2, float epsilon, float weightDecay,
                            float clipNorm, float explodeNorm) {

    public TrainSettings {
        if (!(learningRate > 0) || minLearningRate < 0 || warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("invalid schedule: lr must be > 0 and total steps > 0");
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || epsilon <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("invalid AdamW settings");
        }
    }

    /** STARFlow's recipe: AdamW(0.9, 0.95, wd 1e-4), clip 1.0. */
    public static TrainSettings starflow(float learningRate, int warmupSteps, int totalSteps) {
        return new TrainSettings(learningRate, learningRate * 0.01f, warmupSteps, totalSteps,
                0.9f, 0.95f, 1e-8f, 1e-4f, 1.0f, 1e4f);
    }
}
