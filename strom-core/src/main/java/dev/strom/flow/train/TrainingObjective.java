package dev.strom.flow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.strom.flow.Conditioning;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.ForwardPass;
import dev.strom.flow.InverseMethod;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.StarFlow;
import dev.strom.flow.TextFeatures;
import dev.strom.text.TextEncoder;

import java.util.Collections;
import java.util.List;
import java.util.Random;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * What training minimises for a text-conditioned flow: the likelihood of noise-augmented clips under their
 * captions ({@link #loss}), and caption contrast ({@link #captionContrast}). Clips come as one batch
 * [B, T, C, H, W] of clean values in [-1, 1].
 */
public final class TrainingObjective {

    /**
     * How future contrast scores its candidates: a softmax over all of them (the truth's cross-entropy), or the truth
     * against each corruption on its own ({@link FlowLoss#pairwiseContrast}) with a margin in nats.
     */
    public record FutureScoring(boolean pairwise, float marginNats) {

        public static final FutureScoring SOFTMAX = new FutureScoring(false, 0);
    }

    /**
     * How much the likelihood of a clip's moving tokens counts against the rest ({@link #loss}): a token whose clean
     * values differ from the same place in the frame before by more than {@code threshold} (in the flow's units,
     * [-1, 1] for pixels) anywhere in its patch weighs {@code weight}, every other token one. A moving object is a
     * few edge tokens of a frame's dozens, and holding the last frame costs the likelihood only those; weighting
     * them asks the model to spend its capacity where the motion is, and leaves it a density.
     */
    public record MovingTokens(float weight, float threshold) {

        public static final MovingTokens NONE = new MovingTokens(1, 0);

        public MovingTokens {
            if (!(weight > 0) || !Float.isFinite(weight)) {
                throw new IllegalArgumentException("moving_token_weight must be a positive number, not " + weight);
            }
            if (!(threshold >= 0) || !Float.isFinite(threshold)) {
                throw new IllegalArgumentException("moving_token_threshold must be zero or more, not " + threshold);
            }
        }
    }

    private final StarFlow flow;
    private final TextEncoder text;
    private final FutureScoring future;
    private final MovingTokens moving;
    /** Where the clips' edited result starts after their source, 0 for clips that are not edits. */
    private final int editFrom;
    /** How much what the text predicts counts against what the clips show (first step, edit colours). */
    private final Taught taught;

    /**
     * How much each prediction the flow reads from the caption's words is taught from the clips' own frames, 0 for
     * not at all: the first step's velocity and size rate ({@link #firstStepLoss}), an edit's colours
     * ({@link #editColourLoss}).
     */
    public record Taught(float firstStep, float editColours) {

        public static final Taught NOTHING = new Taught(0, 0);

        public Taught {
            if (!(firstStep >= 0) || !(editColours >= 0) || !Float.isFinite(firstStep) || !Float.isFinite(editColours)) {
                throw new IllegalArgumentException("first_step_velocity_weight and edit_colour_weight must be zero or more, not "
                        + firstStep + " and " + editColours);
            }
        }
    }

    public TrainingObjective(StarFlow flow, TextEncoder text) {
        this(flow, text, FutureScoring.SOFTMAX, MovingTokens.NONE);
    }

    public TrainingObjective(StarFlow flow, TextEncoder text, FutureScoring future, MovingTokens moving) {
        this(flow, text, future, moving, 0, Taught.NOTHING);
    }

    private TrainingObjective(StarFlow flow, TextEncoder text, FutureScoring future, MovingTokens moving, int editFrom,
                              Taught taught) {
        this.flow = flow;
        this.text = text;
        this.future = future;
        this.moving = moving;
        this.editFrom = editFrom;
        this.taught = taught;
    }

    /**
     * The same objective for edits, a source then from frame {@code editFrom} its result (0: not edits), as
     * {@link StarFlow#forward(NDArray, NDArray, int)} reads them.
     */
    public TrainingObjective withEditFrom(int editFrom) {
        return editFrom == this.editFrom ? this : new TrainingObjective(flow, text, future, moving, editFrom, taught);
    }

    /**
     * The training objective for a batch of clean clips and captions: noise augmentation, caption dropout,
     * forward pass, clips' moving tokens weighted as {@link MovingTokens} says. Returns the loss (inside the caller's
     * gradient tape); {@code nllOut[0]}, when given, gets the unweighted per-dim NLL.
     */
    public NDArray loss(NDArray clips, List<String> captions, CaptionDropout dropout, Random rng, double[] nllOut) {
        NDArray x = NoiseAugmentation.apply(clips, flow.config().noiseStd(), rng);
        TextFeatures y = text.encode(clips.getManager(), dropout.apply(captions, rng));
        ForwardPass pass = flow.forward(x, y, editFrom);
        if (nllOut != null) {
            nllOut[0] = pass.loss().getFloat();
        }
        boolean weighted = moving.weight() != 1 && clips.getShape().dimension() == 5 && clips.getShape().get(1) > 1;
        NDArray loss = FlowLoss.training(weighted ? pass.lossPerSample(tokenWeights(clips)) : pass.lossPerSample(), pass, flow.config());
        if (taught.firstStep() > 0) {
            loss = loss.add(Scalar.mul(firstStepLoss(x, y), taught.firstStep()));
        }
        if (taught.editColours() > 0 && editFrom > 0) {
            loss = loss.add(Scalar.mul(editColourLoss(x, y), taught.editColours()));
        }
        return loss;
    }

    /**
     * How far the colours an edit's instruction predicts for its first result frame are from the colours the frame
     * shows (noisy edits x [B, T, C, H, W], instructions y): the mean over the batch of the summed square difference
     * of the background's and the object's colour ({@link dev.strom.flow.MotionCompensation#editColours}); 0 for a
     * flow that does not recolour or clips that are not edits. Why: as for the first step, the colours reach the
     * likelihood only through the first result frame's coding, which the deep block had learnt to code with none.
     */
    public NDArray editColourLoss(NDArray x, TextFeatures y) {
        var reading = editFrom > 0 ? flow.editColours(x, y, editFrom) : null;
        if (reading == null) {
            return x.getManager().zeros(new Shape());
        }
        return reading.squareError();
    }

    /**
     * How far the text's first step is from the clips' own step from frame 0 to frame 1 (noisy clips x
     * [B, T, C, H, W], text y): the mean square difference in pixels, of the velocity and of what the size rate moves
     * an object's edge ({@link #SIZE_PIXELS}), 0 for clips of one frame. Why: the velocity
     * reaches the likelihood only through frame 1's coding, where the deep block had already learnt the first step
     * with none, so the likelihood alone left it where it started (after 100 steps every caption read nearly the same
     * velocity); taught the clips' own move, it moves frame 0 as the caption asks and the deep block learns to code
     * what is left.
     */
    public NDArray firstStepLoss(NDArray x, TextFeatures y) {
        NDArray step = flow.firstStep(y);
        if (step == null || x.getShape().dimension() != 5 || x.getShape().get(1) < 2) {
            return x.getManager().zeros(new Shape());
        }
        // the size rate's error in pixels: what it moves the edge of an object SIZE_PIXELS from its centre
        NDArray scale = Tensors.of(x.getManager(), new float[]{1, 1, SIZE_PIXELS});
        return step.sub(flow.firstStepTarget(x)).mul(scale).square().sum(new int[]{1}).mean();
    }

    /** How far from its centre a size rate's error is counted, in pixels: about a world object's half-width. */
    static final float SIZE_PIXELS = 5f;

    /**
     * The same objective with the text's predictions taught the clips' own: the first step's velocity at
     * {@code taught.firstStep()} ({@link #firstStepLoss}), an edit's colours at {@code taught.editColours()}
     * ({@link #editColourLoss}).
     */
    public TrainingObjective teaching(Taught taught) {
        return new TrainingObjective(flow, text, future, moving, editFrom, taught);
    }

    /**
     * Where a training clip's past is partly the model's own ({@link #withOwnPast}): frames [from, from + count), made
     * by the model given the true frames before them, with the guidance and temperature its users sample at.
     */
    public record OwnPast(int from, int count, float guidance, float temperature) {

        public OwnPast {
            if (from < 1 || count < 1) {
                throw new IllegalArgumentException("own past needs at least one true frame before it and one frame of its own, not "
                        + from + " and " + count);
            }
            if (!(guidance >= 0) || !(temperature > 0)) {
                throw new IllegalArgumentException("own past needs guidance >= 0 and temperature > 0");
            }
        }

        /** The first frame after the model's own. */
        public int to() {
            return from + count;
        }
    }

    /** Clips [B, T, C, H, W] noise-augmented as {@link #loss} augments them. */
    public NDArray noisy(NDArray clips, Random rng) {
        return NoiseAugmentation.apply(clips, flow.config().noiseStd(), rng);
    }

    /**
     * Noisy clips [B, T, C, H, W] ({@link #noisy}) with frames [from, from + count) replaced by what the model makes
     * after the true frames before them under each clip's caption, as a user's sample would be made (guided, at the
     * temperature, not denoised: a sample's past is not denoised either). Run it outside the gradient tape.
     * <p>
     * Why: trained on true pasts only, the model never sees the slips its own frames make, and it carries each on.
     * A motion-compensated model moves every pixel as it moved last: a trailing edge left behind once is predicted to
     * stay, and the object swells frame after frame (docs/experiments.md, session 23). Scoring the true frames that
     * follow the model's own ones teaches it to make up for its slips (scheduled sampling, as autoregressive video
     * models are trained on their own rollouts).
     */
    public NDArray withOwnPast(NDArray noisy, List<String> captions, OwnPast own, InverseMethod method, Random rng) {
        Shape s = noisy.getShape();
        int frames = (int) s.get(1);
        if (own.to() > frames - 1 || captions.size() != s.get(0)) {
            throw new IllegalArgumentException("own past must end before the last of " + frames + " frames and each clip needs a caption");
        }
        NDManager m = noisy.getManager();
        NDArray z = NoiseAugmentation.gaussian(m.zeros(new Shape(s.get(0), own.to(), s.get(2), s.get(3), s.get(4))),
                own.temperature(), rng);
        TextFeatures y = text.encode(m, captions);
        TextFeatures empty = own.guidance() > 0 ? text.encode(m, Collections.nCopies(captions.size(), "")) : null;
        NDArray made = flow.reverse(z, new Conditioning(y, empty, own.guidance()),
                ReverseOptions.of(method).withContext(noisy.get(":, :" + own.from())));
        return NDArrays.concat(new NDList(made, noisy.get(":, " + own.to() + ":")), 1);
    }

    /**
     * The loss of noisy clips whose frames [from, from + count) are the model's own ({@link #withOwnPast}): the
     * likelihood of every other frame given the frames before it, the model's own frames left out (scoring them
     * would teach the model what it already draws). {@code nllOut[0]}, when given, gets the per-dim NLL of the true
     * frames.
     */
    public NDArray lossAfterOwnPast(NDArray noisy, List<String> captions, OwnPast own, CaptionDropout dropout, Random rng,
                                    double[] nllOut) {
        int frames = (int) noisy.getShape().get(1);
        TextFeatures y = text.encode(noisy.getManager(), dropout.apply(captions, rng));
        ForwardPass pass = flow.forward(noisy, y);
        float[] scored = new float[frames];
        for (int t = 0; t < frames; t++) {
            scored[t] = t >= own.from() && t < own.to() ? 0 : 1;
        }
        NDArray perSample = Scalar.div(pass.lossPerFrame().mul(Tensors.of(noisy.getManager(), scored))
                .sum(new int[]{1}), frames - own.count());
        if (nllOut != null) {
            nllOut[0] = perSample.mean().getFloat();
        }
        return FlowLoss.training(perSample, pass, flow.config());
    }

    /**
     * Each token's weight [B, N] in raster order for clean clips [B, T, C, H, W]: {@link MovingTokens#weight} where the
     * token changed from the frame before by more than the threshold, one elsewhere and in the first frame.
     */
    public NDArray tokenWeights(NDArray clips) {
        NDArray step = clips.get(":, 1:").sub(clips.get(":, :-1")).abs();
        NDArray change = clips.get(":, :1").zerosLike().concat(step, 1);
        NDArray changed = flow.tokens(change).max(new int[]{2}).gt(moving.threshold()).toType(DataType.FLOAT32, false);
        NDManager m = changed.getManager();
        return changed.mul(m.full(new Shape(), moving.weight() - 1)).add(m.full(new Shape(), 1f));
    }

    /**
     * What {@link #captionContrast} and {@link #futureContrast} return: the training loss of the true rows, the
     * contrast term, and the log-likelihoods it came from [clips, K] (the truth first).
     */
    public record Contrast(NDArray loss, NDArray crossEntropy, NDArray logLikelihoods) {

        /** The share of clips whose truth is more likely than each of the wrong candidates (a tie is a miss). */
        public double accuracy() {
            NDArray own = logLikelihoods.get(":, 0");
            NDArray bestWrong = logLikelihoods.get(":, 1:").max(new int[]{1});
            return own.gt(bestWrong).toType(DataType.FLOAT32, false).mean().getFloat();
        }
    }

    /**
     * The likelihood objective plus caption contrast ({@link FlowLoss#captionContrast}) for clips, each with K
     * candidate captions, its own first. All of a clip's candidates see the same noise augmentation, so they
     * differ only in the caption; no caption dropout (the captions are the point). The contrast reads frames
     * {@code scoredFrom} onward, each given the true frames before it: from 0 it asks which caption made the whole
     * clip; from a later frame, which caption the clip's continuation follows once its opening is seen (where a
     * whole-clip contrast is already decided by the opening and would teach the later frames nothing).
     * {@code nllOut[0]}, when given, gets the per-dim NLL of the whole clips under the true captions.
     */
    public Contrast captionContrast(NDArray clips, int scoredFrom, List<List<String>> candidates, Random rng,
                                    double[] nllOut) {
        long count = clips.getShape().get(0);
        int frames = (int) clips.getShape().get(1);
        int k = candidates.get(0).size();
        if (k < 2 || candidates.size() != count || candidates.stream().anyMatch(c -> c.size() != k)) {
            throw new IllegalArgumentException("caption contrast needs the same number (>= 2) of candidates for every clip");
        }
        if (scoredFrom < 0 || scoredFrom >= frames) {
            throw new IllegalArgumentException("caption contrast must score frames from 0.." + (frames - 1) + ", not " + scoredFrom);
        }
        NDArray x = NoiseAugmentation.apply(clips, flow.config().noiseStd(), rng).repeat(0, k);
        TextFeatures y = text.encode(clips.getManager(), candidates.stream().flatMap(List::stream).toList());
        ForwardPass pass = flow.forward(x, y, editFrom);
        NDArray perSample = pass.lossPerSample();
        // rows come clip by clip, the true caption first
        NDArray nll = perSample.reshape(count, k).get(":, 0");
        if (nllOut != null) {
            nllOut[0] = nll.mean().getFloat();
        }
        long frameDims = clips.getShape().size() / (count * frames);
        NDArray logLikelihoods = FlowLoss.captionLogLikelihoods(pass.lossFrom(scoredFrom), frameDims * (frames - scoredFrom), k);
        return new Contrast(FlowLoss.training(nll, pass, flow.config()), FlowLoss.captionContrast(logLikelihoods),
                logLikelihoods);
    }

    /**
     * Future contrast: given a clip's first {@code scoredFrom} frames, is its true continuation more likely than
     * corrupted ones (the last frame held, the motion reversed, the object at another speed or gone)? The
     * likelihood alone pays a few bits of a frame's thousands for moving rather than holding still, and each
     * training draw's noise swamps that; here every candidate of a clip sees the same noise draw and the same
     * caption, so they differ only in what happens next, and the cross-entropy of picking the truth puts the
     * gradient on exactly that. {@code candidates} holds K rows per clip [clips * K, T, C, H, W], the truth first;
     * frames from {@code scoredFrom} on are read, each given those before it. {@code nllOut[0]}, when given, gets
     * the per-dim NLL of the true clips.
     */
    public Contrast futureContrast(NDArray candidates, int k, int scoredFrom, List<String> captions, Random rng,
                                 double[] nllOut) {
        long rows = candidates.getShape().get(0);
        int frames = (int) candidates.getShape().get(1);
        if (k < 2 || rows != (long) captions.size() * k) {
            throw new IllegalArgumentException("future contrast needs " + captions.size() + " clips x K >= 2 candidates, got "
                    + rows + " rows for K = " + k);
        }
        if (scoredFrom < 1 || scoredFrom >= frames) {
            throw new IllegalArgumentException("future contrast must read frames from 1.." + (frames - 1) + ", not " + scoredFrom);
        }
        NDArray x = NoiseAugmentation.applyShared(candidates, k, flow.config().noiseStd(), rng);
        List<String> repeated = captions.stream().flatMap(c -> Collections.nCopies(k, c).stream()).toList();
        ForwardPass pass = flow.forward(x, text.encode(candidates.getManager(), repeated), editFrom);
        NDArray nll = pass.lossPerSample().reshape(captions.size(), k).get(":, 0");
        if (nllOut != null) {
            nllOut[0] = nll.mean().getFloat();
        }
        long frameDims = candidates.getShape().size() / (rows * frames);
        NDArray logLikelihoods = FlowLoss.captionLogLikelihoods(pass.lossFrom(scoredFrom), frameDims * (frames - scoredFrom), k);
        NDArray contrast = future.pairwise() ? FlowLoss.pairwiseContrast(logLikelihoods, future.marginNats())
                : FlowLoss.captionContrast(logLikelihoods);
        return new Contrast(FlowLoss.training(nll, pass, flow.config()), contrast, logLikelihoods);
    }
}
