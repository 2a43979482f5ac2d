package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * Motion-compensated prediction, the first step of a video flow ({@code motion_compensation} > 0; Strom's, not in
 * the reference): the flow codes each frame's difference from where its content would be if everything kept
 * moving as it did between the two frames before, as a video codec does, instead of the frame itself.
 * <p>
 * Why: a flow whose deep block predicts the next frame's tokens from the last ones learns to copy the last frame
 * long before it learns to move it; moving an edge by a fraction of a 4x4 token is a velocity-dependent shift that
 * attention between whole tokens does not do (see docs/experiments.md). Here the shift is done in pixels, by block
 * matching as in a video codec: for every offset v within {@code radius}, how well "what is around p came from
 * p - v" explains the last frame from the one before (mean square over the (2 radius + 1)-pixel square around p,
 * all channels), turned into weights by a softmax at a temperature set by the noise (an exact match differs by the
 * training noise alone); the prediction is the last frame, cleaned of most of its noise ({@link #clean}), at p - v
 * under those weights, so everything within a
 * radius of a moving object, its leading and trailing edges too, moves on with it. A fractional speed splits the
 * weight between the nearest offsets, which interpolates the edge. On a plain ground far from anything that moves
 * every offset matches, and all give the same colour; where there is texture, standing still matches best.
 * <p>
 * Frame 0 is coded as it is. No velocity is known before two frames, so frame 1 is coded as it is too, the first
 * step made by the flow's deep block (coded as a difference from frame 0 instead, a fine-tuned model lost what it had
 * learnt of moving as the text says), unless the text gives the first step ({@link #withFirstStep}), a velocity and
 * a size rate: then frame 1 is predicted as frame 0 moved and scaled by it and coded as its residual, as later frames
 * are. The prediction reads only earlier
 * frames and the text, so the step is invertible frame by frame and volume-preserving (its log-determinant is 0):
 * the model stays an exact density of the clip.
 */
public final class MotionCompensation {

    private final int radius;
    private final double temperature;
    /** 2 h^2 of the range kernel that cleans the frame being moved on; 0 for a flow without noise (no cleaning). */
    private final double range;
    /**
     * The first step [B, 3] for each clip: its velocity (x, y in pixels a frame) and size rate (the object's relative
     * growth a frame), or null: frame 1 coded as it is.
     */
    private final NDArray firstStep;
    /** Whether later frames carry the first step's size rate on ({@code carry_size_rate}). */
    private final boolean carrySize;
    /** The side of the square over which block matching compares each offset ({@link #withMatchWindow}). */
    private final int window;
    /** How an edit's instruction recolours its source ({@link EditColours}), or null: the source as it is. */
    private final EditColours editColours;

    /** The largest size rate a first step makes or is taught, either way: 25 % a frame. */
    public static final double MAX_SIZE_RATE = 0.25;
    /** The largest size rate {@link #firstStepTarget} reads, either way: 20 % a frame. */
    private static final double SIZE_TARGET_LIMIT = 0.2;
    /**
     * The colour distance from the background (frame 0's border, in [-1, 1] units over the channels) past which a
     * pixel counts towards the object whose centre a size rate scales about: well above the noise (0.17 at sigma
     * 0.1), under any object's contrast.
     */
    private static final double OBJECT_DISTANCE = 0.3;

    /**
     * @param radius   largest speed followed, in pixels a frame along each axis
     * @param noiseStd the flow's training noise; an exact match differs by 2 sigma^2 a channel
     * @param channels channels of a frame
     */
    public MotionCompensation(int radius, double noiseStd, int channels) {
        this(radius, noiseStd, channels, false, FlowConfig.DEFAULT_CLEAN_RANGE);
    }

    /**
     * The compensation a flow's config asks for: its radius, noise, channels, {@code carry_size_rate}, {@code clean_range}
     * and {@code match_window}.
     */
    public static MotionCompensation of(FlowConfig config) {
        MotionCompensation m = new MotionCompensation(config.motionCompensation(), config.noiseStd(), config.inChannels(),
                config.carrySizeRate(), config.cleanRange());
        return config.matchWindow() > 0 ? m.withMatchWindow(config.matchWindow()) : m;
    }

    /**
     * As above; with {@code carrySize} every later frame's prediction grows or shrinks at the first step's size rate
     * too ({@link #predict}); {@code cleanRange} is the cleaning's range in units of C sigma^2 ({@link #clean}).
     */
    public MotionCompensation(int radius, double noiseStd, int channels, boolean carrySize, double cleanRange) {
        if (radius < 1) {
            throw new IllegalArgumentException("motion compensation needs a radius of at least 1 pixel, got " + radius);
        }
        this.radius = radius;
        // the spread of a noise-only match's window mean is well under sigma^2 * C; a wrong offset over an edge of
        // contrast 1 costs tens of times more
        this.temperature = Math.max(channels * noiseStd * noiseStd, 1e-3);
        // two noisy samples of one colour differ by 2 C sigma^2 in square, an object's edge by about 1 a channel; at
        // 10 C sigma^2 the soft edge pixels of a small object are averaged into the ground and the object wears away
        // as it is moved on frame after frame (docs/experiments.md, session 26)
        this.range = cleanRange * channels * noiseStd * noiseStd;
        this.firstStep = null;
        this.carrySize = carrySize;
        this.editColours = null;
        this.window = 2 * radius + 1;
    }

    private MotionCompensation(MotionCompensation m, NDArray firstStep, EditColours editColours) {
        this(m, firstStep, editColours, m.window);
    }

    private MotionCompensation(MotionCompensation m, NDArray firstStep, EditColours editColours, int window) {
        this.window = window;
        this.radius = m.radius;
        this.temperature = m.temperature;
        this.range = m.range;
        this.firstStep = firstStep;
        this.carrySize = m.carrySize;
        this.editColours = editColours;
    }

    /**
     * The same compensation with block matching compared over a {@code window} x {@code window} square around each
     * pixel ({@code match_window}; odd) instead of the (2r + 1)-pixel one. Why: where the motion varies across an
     * object, as a turn's does, a wide window averages neighbours that moved otherwise, and the prediction of a
     * spinning heart lay nearer the last frame than the next (docs/experiments.md, session 33).
     */
    public MotionCompensation withMatchWindow(int window) {
        if (window < 1 || window % 2 == 0) {
            throw new IllegalArgumentException("block matching needs an odd window of at least 1 pixel, got " + window);
        }
        return new MotionCompensation(this, firstStep, editColours, window);
    }

    /**
     * The same compensation with frame 1 predicted by the first step ({@link #firstPrediction}): {@code step} [B, 3],
     * per clip a velocity (x, y) in pixels a frame within the radius and a size rate; null for frame 1 coded as it is.
     */
    public MotionCompensation withFirstStep(NDArray step) {
        return new MotionCompensation(this, step, editColours);
    }

    /**
     * The same compensation with an edit's first result frame predicted by its source frame recoloured as
     * {@code colours} says ({@link #recoloured}); null for the source frame as it is.
     */
    public MotionCompensation withEditColours(EditColours colours) {
        return new MotionCompensation(this, firstStep, colours);
    }

    /**
     * What an edit's instruction does to the colours of its source ({@code edit_colours}), per clip: the background
     * and the object each moved from the colour they have towards a colour the text names, by a gate the text sets
     * (0: kept, 1: the named colour). Read from the caption's words, as the first step is, by {@code StarFlow}.
     *
     * @param gates [B, 2] how far the background, then the object, moves to its new colour
     * @param named [B, 2C] the part of the new colours the words give: background, then object
     * @param mix   [2C, 2C] the part the source's own colours give (background, then object, times mix): "turn the
     *              heart into a star" names both objects, and the heart's colour in the source tells which is which
     */
    public record EditColours(NDArray gates, NDArray named, NDArray mix) {

        /** The same for each clip's K frames in a row, [B * K, ...], clip by clip as {@code rows} lays frames out. */
        EditColours perFrame(int k) {
            return k == 1 ? this : new EditColours(gates.repeat(0, k), named.repeat(0, k), mix);
        }

        /** The colours after the edit [B, 2C] from those before it [B, 2C]: background, then object. */
        public NDArray after(NDArray before) {
            long c = before.getShape().get(1) / 2;
            NDArray target = named.add(before.matMul(mix));
            return before.add(gates.repeat(1, c).mul(target.sub(before)));
        }
    }

    /**
     * A frame's colours [N, 2C] from the frame [N, C, H, W]: its background, the mean of its border, then its
     * object's, the mean of the pixels further than {@link #OBJECT_DISTANCE} from the background weighted by how much
     * further (the background where there are none). What an edit's recolouring reads and is taught.
     */
    NDArray colours(NDArray frame) {
        Shape s = frame.getShape();
        NDArray background = background(frame);
        NDArray weight = objectWeight(frame, background).expandDims(1);
        NDArray ground = background.reshape(s.get(0), s.get(1));
        NDArray total = weight.sum(new int[]{2, 3}).add(1e-3);
        NDArray object = frame.mul(weight).sum(new int[]{2, 3}).add(Scalar.mul(ground, 1e-3)).div(total);
        return NDArrays.concat(new NDList(ground, object), 1);
    }

    /**
     * Cleaned frames [N, C, H, W] recoloured as {@code colours} [N, ...] says: each pixel read as a mix of the frame's
     * background colour b and its object's colour o, a = (p - b).(o - b) / |o - b|^2 within [0, 1], and moved by
     * (1 - a) of the background's change and a of the object's, so soft edges and what neither colour explains (the
     * noise, a second object) come along as they are. Why: the flow codes an edit's first result frame as its
     * difference from this prediction; predicted by the source as it is, a new background colour was a difference at
     * every pixel that the deep block had to learn from the text, and after thousands of edits it still had not
     * (docs/experiments.md, session 28). A function of the source and the text alone, so the coding stays invertible.
     */
    NDArray recoloured(NDArray frame, EditColours colours) {
        Shape s = frame.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDArray before = colours(frame);
        NDArray change = colours.after(before).sub(before);
        NDIndex ground = new NDIndex(":, 0:" + c);
        NDIndex object = new NDIndex(":, " + c + ":");
        NDArray a = objectShare(frame, before).clip(0, 1);
        NDArray backgroundChange = change.get(ground).reshape(n, c, 1, 1);
        NDArray objectChange = change.get(object).reshape(n, c, 1, 1);
        return frame.add(a.neg().add(1).mul(backgroundChange)).add(a.mul(objectChange));
    }

    /**
     * An edit's colours, each [B, 2C]: its source's, those the text predicts from them, and those its result shows.
     */
    public record EditColourReading(NDArray before, NDArray predicted, NDArray shown) {

        /** How far the prediction is from what is shown: the mean over the batch of the summed square difference, a scalar. */
        public NDArray squareError() {
            return predicted.sub(shown).square().sum(new int[]{1}).mean();
        }
    }

    /**
     * The colours of an edit x [B, T, C, H, W] whose result starts at {@code editFrom}: its first result frame's, as
     * {@link #editColours} predicts them from the source's first frame and as the frame shows them, both cleaned
     * first. What the recolouring is taught ({@code edit_colour_weight}): read from the frames, so any edit with a
     * source and a result teaches it.
     */
    public EditColourReading editColours(NDArray x, int editFrom) {
        if (editColours == null || !edits(editFrom, x)) {
            throw new IllegalStateException("edit colours are read for an edit under a compensation that recolours");
        }
        NDArray before = colours(clean(rows(frames(x, 0, 1))));
        NDArray shown = colours(clean(rows(frames(x, editFrom, editFrom + 1))));
        return new EditColourReading(before, editColours.after(before), shown);
    }

    /**
     * Frame 1 as the first step predicts it [B, C, H, W]: frame 0 [B, C, H, W], cleaned as every frame moved on is,
     * moved by the first step [B, 3]: its velocity, and scaled by its size rate g about
     * the centre of frame 0's object ({@link #centres}), by about 1 + g (exactly 1 / (1 - g) where the radius allows),
     * so that "growing" and "shrinking" start as "moving left" does. The move interpolates
     * bilinearly between the four whole-pixel shifts around each pixel's displacement, so a whole-pixel velocity is
     * an exact shift. Why not a smoother mix: a Gaussian mean over the shifts blurs frame 0 as it moves it, and frame 0
     * plus that move kept each edge's sharp part where the edge had been, a dark or light fringe behind every moving
     * object that the samples kept (docs/experiments.md, session 24).
     */
    NDArray firstPrediction(NDArray frame0, NDArray step) {
        NDArray cleaned = clean(frame0);
        return movedBy(shifted(cleaned), step, centres(cleaned));
    }

    /**
     * The first step from frame 0 to frame 1 of each clip x [B, T >= 2, C, H, W], [B, 3]: the whole-frame move in
     * pixels, the mean of the whole-pixel offsets within the radius weighted by how well frame 0, cleaned and shifted
     * by each, explains frame 1 (a softmax of the summed square error at a temperature of 8 C sigma^2, a few
     * mismatched edge pixels' worth), so a fractional speed splits between its neighbours; then the size rate from
     * how the object's {@link #area} changed: a rate g makes it (1 / (1 - g))^2 times as large, so g = 1 - sqrt(A0 / A1),
     * within {@link #SIZE_TARGET_LIMIT}. What the text's first step is taught to predict
     * ({@code first_step_velocity_weight}): read from the frames themselves, footage needs no labels. Why the area and
     * not the scale that best explains frame 1, as before: an object that turns overlaps a smaller copy of itself
     * better than itself, so a spinning heart was read as shrinking 5 % a frame, which its later frames then carried
     * on; and the words' rates fitted to it read "growing" at 0.055 where the world's growing objects start at 0.098
     * (docs/experiments.md, session 33).
     */
    public NDArray firstStepTarget(NDArray x) {
        NDArray frame1 = rows(frames(x, 1, 2));
        NDArray cleaned = clean(rows(frames(x, 0, 1)));
        Shifted shifted = shifted(cleaned);
        NDArray errors = frame1.expandDims(1).sub(shifted.frames()).square().sum(new int[]{2, 3, 4});
        NDArray velocity = Scalar.mul(errors, -1.0 / (8 * temperature)).softmax(1).matMul(shifted.offsets());
        NDArray colours = colours(cleaned);
        NDArray next = clean(frame1);
        NDArray near = near(cleaned, next);
        NDArray before = Scalar.maximum(area(cleaned, colours, near), 0).add(1);
        NDArray after = Scalar.maximum(area(next, colours, near), 0).add(1);
        NDArray size = before.div(after).sqrt().neg().add(1).clip(-SIZE_TARGET_LIMIT, SIZE_TARGET_LIMIT).expandDims(1);
        return NDArrays.concat(new NDList(velocity, size), 1);
    }

    /**
     * The area in pixels of the object of each frame [N, C, H, W] whose {@link #colours} [N, 2C] are given: the sum
     * over the pixels {@code near} it [N, H, W] of how far each lies from the background colour towards the object's,
     * (p - b).(o - b) / |o - b|^2 (1 inside, its share at a soft edge). Not clipped, so that the noise sums to about
     * nothing instead of adding to the area; summed near the object alone, so that the rest of the frame's noise
     * does not add up either.
     */
    static NDArray area(NDArray frame, NDArray colours, NDArray near) {
        return objectShare(frame, colours).squeeze(1).mul(near).sum(new int[]{1, 2});
    }

    /**
     * How far each pixel of the frames [N, C, H, W] lies from their background colour b towards their object's o, as
     * {@link #colours} [N, 2C] gives them: (p - b).(o - b) / |o - b|^2, [N, 1, H, W], unclipped (1 on the object, 0
     * on the ground, a share at a soft edge). What {@link #recoloured} mixes the two colours' changes by, and
     * {@link #area} sums.
     */
    private static NDArray objectShare(NDArray frame, NDArray colours) {
        Shape s = frame.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDArray b = colours.get(new NDIndex(":, 0:" + c)).reshape(n, c, 1, 1);
        NDArray span = colours.get(new NDIndex(":, " + c + ":")).reshape(n, c, 1, 1).sub(b);
        return frame.sub(b).mul(span).sum(new int[]{1}, true).div(span.square().sum(new int[]{1}, true).add(1e-2));
    }

    /**
     * The pixels [N, H, W] (1, else 0) within two of one that either frame [N, C, H, W] shows as object (further than
     * {@link #OBJECT_DISTANCE} from the first frame's background): where {@link #area} sums.
     */
    private static NDArray near(NDArray first, NDArray second) {
        NDArray ground = background(first);
        NDArray object = objectWeight(first, ground).add(objectWeight(second, ground)).gt(0).toType(DataType.FLOAT32, false);
        return Pool.maxPool2d(object.expandDims(1), new Shape(5, 5), new Shape(1, 1), new Shape(2, 2), false).squeeze(1);
    }

    /**
     * A frame [B, C, H, W], given {@link #shifted} by every offset, moved by {@code step} [B, 3] as
     * {@link #firstPrediction} moves it: pixel p's content comes from p - u(p), u(p) = v + g (p - c - v) with v the
     * velocity, g the size rate and c the clip's {@code centres} [B, 2] (clamped to the radius), so the centre moves
     * by v and everything else scales about it; each whole-pixel
     * shift d weighted at p by the bilinear hat (1 - |u(p) - d|)+ along each axis, which is differentiable in v and g
     * between whole pixels.
     */
    private NDArray movedBy(Shifted shifted, NDArray step, NDArray centres) {
        Shape s = shifted.frames().getShape();
        long b = s.get(0);
        long h = s.get(3);
        long w = s.get(4);
        NDManager m = step.getManager();
        NDArray g = step.get(new NDIndex(":, 2:3")).reshape(b, 1, 1);
        // the centre moved on by the velocity stays where it moved to; the displacement along x varies with x alone,
        // along y with y alone: [B, 1, W] and [B, H, 1]
        NDArray moved = centres.add(step.get(new NDIndex(":, 0:2")));
        NDArray ux = step.get(new NDIndex(":, 0:1")).reshape(b, 1, 1)
                .add(g.mul(m.arange(0f, (float) w).reshape(1, 1, w).sub(moved.get(new NDIndex(":, 0:1")).reshape(b, 1, 1))))
                .clip(-radius, radius);
        NDArray uy = step.get(new NDIndex(":, 1:2")).reshape(b, 1, 1)
                .add(g.mul(m.arange(0f, (float) h).reshape(1, h, 1).sub(moved.get(new NDIndex(":, 1:2")).reshape(b, 1, 1))))
                .clip(-radius, radius);
        NDArray dx = shifted.offsets().get(new NDIndex(":, 0")).reshape(1, -1, 1, 1);
        NDArray dy = shifted.offsets().get(new NDIndex(":, 1")).reshape(1, -1, 1, 1);
        NDArray hatX = Scalar.maximum(ux.expandDims(1).sub(dx).abs().neg().add(1), 0);
        NDArray hatY = Scalar.maximum(uy.expandDims(1).sub(dy).abs().neg().add(1), 0);
        return shifted.frames().mul(hatX.mul(hatY).expandDims(2)).sum(new int[]{1});
    }

    /**
     * Where the object of each frame [N, C, H, W] stands, (x, y) in pixels [N, 2]: the mean position of the pixels
     * whose colour is more than {@link #OBJECT_DISTANCE} from the frame's border mean (the background of a clip whose
     * object is inside it), weighted by how much more; the frame's middle where none is. What a size rate scales
     * about. A function of the frame alone, so the first step stays invertible.
     */
    NDArray centres(NDArray frame) {
        Shape s = frame.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDArray weight = objectWeight(frame, background(frame));
        NDManager m = frame.getManager();
        double eps = 1e-3;
        NDArray total = weight.sum(new int[]{1, 2}).add(eps);
        NDArray x = weight.mul(m.arange(0f, (float) w).reshape(1, 1, w)).sum(new int[]{1, 2}).add(eps * (w - 1) / 2.0).div(total);
        NDArray y = weight.mul(m.arange(0f, (float) h).reshape(1, h, 1)).sum(new int[]{1, 2}).add(eps * (h - 1) / 2.0).div(total);
        return NDArrays.stack(new NDList(x, y), 1);
    }

    /** The mean of each frame's border [N, C, H, W] -> [N, C, 1, 1]: the background of a frame whose object is inside it. */
    private static NDArray background(NDArray frame) {
        Shape s = frame.getShape();
        NDArray border = NDArrays.concat(new NDList(frame.get(new NDIndex(":, :, 0, :")), frame.get(new NDIndex(":, :, -1, :")),
                frame.get(new NDIndex(":, :, :, 0")), frame.get(new NDIndex(":, :, :, -1"))), 2);
        return border.mean(new int[]{2}).reshape(s.get(0), s.get(1), 1, 1);
    }

    /** How far past {@link #OBJECT_DISTANCE} each pixel's colour is from the background [N, C, 1, 1]: [N, H, W], no gradient. */
    private static NDArray objectWeight(NDArray frame, NDArray background) {
        return Scalar.maximum(frame.sub(background).square().sum(new int[]{1}).sqrt().sub(OBJECT_DISTANCE), 0).stopGradient();
    }

    /** A frame shifted by every whole-pixel offset within the radius: frames [B, K, C, H, W], offsets (x, y) [K, 2]. */
    private record Shifted(NDArray frames, NDArray offsets) {
    }

    /** {@code frame} [B, C, H, W] shifted by every offset within the radius (its content moved by it, edges repeated). */
    private Shifted shifted(NDArray frame) {
        Shape s = frame.getShape();
        NDArray padded = padEdges(frame, radius);
        int n = 2 * radius + 1;
        float[] offsets = new float[n * n * 2];
        NDList moved = new NDList();
        int k = 0;
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                offsets[k++] = dx;
                offsets[k++] = dy;
                moved.add(crop(padded, radius - dy, radius - dx, s.get(2), s.get(3)).expandDims(1));
            }
        }
        return new Shifted(NDArrays.concat(moved, 1), Tensors.of(frame.getManager(), offsets, new Shape(n * n, 2)));
    }

    /** Frame 1 of x [B, T >= 2, C, H, W] as the first step predicts it, [B, 1, C, H, W]; null without a first step. */
    private NDArray predictedFirst(NDArray x) {
        if (firstStep == null || x.getShape().get(1) < 2) {
            return null;
        }
        NDArray zero = frames(x, 0, 1);
        return firstPrediction(rows(zero), firstStep).reshape(zero.getShape());
    }

    /**
     * y from a clip x [B, T, C, H, W]: frame 0 as it is, frame 1 as it is or less the first step's prediction, then
     * each less its prediction.
     */
    public NDArray residual(NDArray x) {
        return residual(x, predictedFirst(x), predicted(x));
    }

    /**
     * As {@link #residual(NDArray)} for an edit: its source, then from frame {@code editFrom} its result (0: not an
     * edit). The result's first frame is predicted by the source's frame at the same time, recoloured as the
     * instruction says when the compensation recolours ({@link #withEditColours}); each later one by the source's
     * frame at its time, recoloured alike, with the change made so far carried on (the last result frame less what
     * the source frame it was made from predicted), all cleaned as the last frame is before it is moved on. So the
     * first result frame codes the change the instruction asks for (with the recolouring, what it cannot do: a new
     * shape), later ones little more than where the change moves, and what the edit keeps costs nothing. Why: an edit keeps the placement, the motion and whatever the instruction does not name; the
     * last two frames' motion would predict the result's first frame from where the source was heading, and a result
     * predicted by the source alone would have to make its change again in every frame.
     */
    public NDArray residual(NDArray x, int editFrom) {
        return edits(editFrom, x) ? code(x, editFrom).residual() : residual(x);
    }

    /** As {@link #code(NDArray)} for an edit whose result starts at frame {@code editFrom} (0: not an edit). */
    public Coded code(NDArray x, int editFrom) {
        if (!edits(editFrom, x)) {
            return code(x);
        }
        int t = (int) x.getShape().get(1);
        Coded source = code(frames(x, 0, editFrom));
        int n = t - editFrom;
        NDArray sources = sourcePredictions(frames(x, 0, n));
        NDArray predicted = sources;
        if (n > 1) {
            // the change made so far: each result frame but the last, less what its source frame predicted
            NDArray change = cleanFrames(frames(x, editFrom, t - 1)).sub(frames(sources, 0, n - 1));
            predicted = sources.add(NDArrays.concat(new NDList(frames(change, 0, 1).zerosLike(), change), 1));
        }
        NDArray residual = frames(x, editFrom, t).sub(predicted);
        NDArray seen = NDArrays.concat(new NDList(predicted, frames(x, editFrom - 1, t - 1)), 2);
        return new Coded(NDArrays.concat(new NDList(source.residual(), residual), 1),
                NDArrays.concat(new NDList(source.seen(), seen), 1));
    }

    /**
     * What an edit's source frames [B, K, C, H, W] predict of its result, frame for frame: each cleaned, and
     * recoloured as the instruction says when the compensation recolours ({@link #recoloured}). Each frame is
     * recoloured by its own colours, so a new background stays new at the edges of an object that moves.
     */
    private NDArray sourcePredictions(NDArray source) {
        NDArray cleaned = cleanFrames(source);
        return editColours == null ? cleaned
                : recoloured(rows(cleaned), editColours.perFrame((int) source.getShape().get(1))).reshape(source.getShape());
    }

    /** Whether a clip x [B, T, ...] is an edit whose result starts at {@code editFrom} (0: it is not). */
    private static boolean edits(int editFrom, NDArray x) {
        int t = (int) x.getShape().get(1);
        if (editFrom < 0 || editFrom > 0 && (editFrom >= t || t - editFrom > editFrom)) {
            throw new IllegalArgumentException("an edit's result must start within the clip and be no longer than its source: "
                    + editFrom + " of " + t + " frames");
        }
        return editFrom > 0;
    }

    /** Frames [B, T, C, H, W] each {@link #clean}ed. */
    private NDArray cleanFrames(NDArray x) {
        return clean(rows(x)).reshape(x.getShape());
    }

    /**
     * A clip x [B, T, C, H, W] as a flow that reads the prediction codes it, the prediction made once for both:
     * its {@link #residual}, and what the coding of each frame sees, [B, T, 2C, H, W]: the frame the compensation
     * predicts (zeros for frames 0 and 1, which are coded as they are), then the last frame (zeros for frame 0).
     * Both are functions of the earlier frames only, so a flow may read them wherever it reads the past.
     */
    public Coded code(NDArray x) {
        NDArray first = predictedFirst(x);
        NDArray predicted = predicted(x);
        Shape s = x.getShape();
        int t = (int) s.get(1);
        NDManager m = x.getManager();
        Shape frame = new Shape(s.get(0), 1, s.get(2), s.get(3), s.get(4));
        NDList predictions = new NDList(m.zeros(frame, x.getDataType()));
        if (t > 1) {
            predictions.add(first != null ? first : m.zeros(frame, x.getDataType()));
        }
        if (predicted != null) {
            predictions.add(predicted);
        }
        NDList lasts = new NDList(m.zeros(frame, x.getDataType()));
        if (t > 1) {
            lasts.add(frames(x, 0, t - 1));
        }
        NDArray seen = NDArrays.concat(new NDList(NDArrays.concat(predictions, 1), NDArrays.concat(lasts, 1)), 2);
        return new Coded(residual(x, first, predicted), seen);
    }

    /** What {@link #code} gives: the residual y [B, T, C, H, W] and what each frame's coding sees [B, T, 2C, H, W]. */
    public record Coded(NDArray residual, NDArray seen) {
    }

    /**
     * y from x, its frame 1 as the first step predicts it (null: coded as it is) and its frames 2.. as predicted
     * (null for a clip of at most two frames).
     */
    private NDArray residual(NDArray x, NDArray first, NDArray predicted) {
        int t = (int) x.getShape().get(1);
        if (t < 2) {
            return x;
        }
        NDArray one = frames(x, 1, 2);
        NDList out = new NDList(frames(x, 0, 1), first == null ? one : one.sub(first));
        if (predicted != null) {
            out.add(frames(x, 2, t).sub(predicted));
        }
        return NDArrays.concat(out, 1);
    }

    /** Frames 2.. of x [B, T, C, H, W], each as predicted from the two before it; null when T <= 2. */
    private NDArray predicted(NDArray x) {
        Shape s = x.getShape();
        int t = (int) s.get(1);
        if (t <= 2) {
            return null;
        }
        NDArray last = rows(frames(x, 1, t - 1));
        NDArray before = rows(frames(x, 0, t - 2));
        NDArray rates = null;
        if (carried()) {
            // frames 2 .. t - 1, clip by clip as rows lays them out
            NDArray at = x.getManager().arange(2f, (float) t).expandDims(0);
            rates = carriedRate(firstStep.get(new NDIndex(":, 2")).expandDims(1), at).reshape(-1);
        }
        return predict(last, before, rates).reshape(s.get(0), t - 2, s.get(2), s.get(3), s.get(4));
    }

    /**
     * The clip from y [B, T, C, H, W], frame by frame; the first frames are {@code context} [B, K, C, H, W] exactly
     * when given (their part of y is not read). With {@code edit} the context is an edit's source and the frames
     * after it its result, restored as {@link #residual(NDArray, int)} coded them.
     */
    public NDArray restore(NDArray y, NDArray context, boolean edit) {
        int t = (int) y.getShape().get(1);
        int known = context == null ? 0 : (int) context.getShape().get(1);
        Restorer r = restorer(context, edit);
        NDList out = new NDList();
        if (known > 0) {
            out.add(context);
        }
        for (int i = known; i < t; i++) {
            out.add(r.next(frames(y, i, i + 1)));
        }
        return NDArrays.concat(out, 1);
    }

    /**
     * Restores the frames after {@code context} [B, K, C, H, W] (null for none) one at a time, in order: for
     * drafts, which arrive one by one, each in a scope of its own. With {@code edit} the context is an edit's source
     * and each new frame is predicted by its frame at the same time ({@link #code(NDArray, int)}).
     */
    public Restorer restorer(NDArray context, boolean edit) {
        if (edit && context == null) {
            throw new IllegalArgumentException("an edit's result is restored from its source, and none was given");
        }
        Restorer r = new Restorer(edit ? perFrame(sourcePredictions(context)) : null, firstStep == null ? null : firstStep.toFloatArray(),
                context == null ? 0 : (int) context.getShape().get(1));
        if (context != null) {
            int k = (int) context.getShape().get(1);
            if (k >= 2) {
                r.keep(frames(context, k - 2, k - 1));
            }
            r.keep(frames(context, k - 1, k));
        }
        return r;
    }

    /**
     * Frame-by-frame inverse. It keeps the last two frames as plain arrays, so that it outlives the scope of each
     * call, and makes them again in the manager of the frame it is given.
     */
    public final class Restorer {
        private float[] last;
        private float[] before;
        private Shape shape;
        /** The next frame's prediction once made (what it sees, then the frame itself, both need it), else null. */
        private float[] prediction;
        /**
         * What an edit's source frames predict of its result ({@link #sourcePredictions}), each [B, 1, C, H, W], in
         * turn; null for no edit.
         */
        private final float[][] source;
        /** Frames restored so far. */
        private int made;
        /** The place in the clip of the first frame restored: the context's length. */
        private final int first;
        /** The first step [B, 3] as a plain array, or null. */
        private final float[] step;

        private Restorer(float[][] source, float[] step, int first) {
            this.source = source;
            this.step = step;
            this.first = first;
        }

        /** The next frame [B, 1, C, H, W] of the clip from its y [B, 1, C, H, W]. */
        public NDArray next(NDArray y) {
            // frame 0 is coded as it is, frame 1 as it is or less the first step's prediction
            NDArray x = predicts() ? y.add(prediction(y.getManager())) : y;
            keep(x);
            made++;
            return x;
        }

        /**
         * Whether the next frame has a prediction: an edit's result always does, other frames from the third on, and
         * the second with a first step.
         */
        private boolean predicts() {
            return source != null || before != null || last != null && step != null;
        }

        /**
         * What the coding of the next frame sees, as {@link #code} gives it for a whole clip, [B, 1, 2C, H, W] in
         * {@code m}; {@code frame} is a frame's [B, 1, C, H, W], for when no frame is known yet.
         */
        public NDArray seenNext(NDManager m, Shape frame) {
            NDArray predicted = predicts() ? prediction(m) : m.zeros(frame);
            NDArray lastFrame = last == null ? m.zeros(frame) : Tensors.of(m, last, shape);
            return NDArrays.concat(new NDList(predicted, lastFrame), 2);
        }

        /**
         * The next frame's prediction [B, 1, C, H, W] in {@code m}, made once: from the last two frames, frame 1 from
         * frame 0 and the first step's velocity, or for an edit's result from its source's frame at the same time.
         */
        private NDArray prediction(NDManager m) {
            if (prediction == null) {
                if (source != null && made >= source.length) {
                    throw new IllegalArgumentException("an edit's result is no longer than its source's " + source.length + " frames");
                }
                prediction = (source != null ? edited(m)
                        : before != null ? predict(rows(Tensors.of(m, last, shape)), rows(Tensors.of(m, before, shape)), carriedRates(m))
                        : firstPrediction(rows(Tensors.of(m, last, shape)), Tensors.of(m, step, new Shape(shape.get(0), 3))))
                        .toFloatArray();
            }
            return Tensors.of(m, prediction, shape);
        }

        /** The next result frame of an edit as {@link #code(NDArray, int)} predicts it, [B, C, H, W] in {@code m}. */
        private NDArray edited(NDManager m) {
            NDArray at = rows(Tensors.of(m, source[made], shape));
            if (made == 0) {
                return at;
            }
            // the change made so far, carried on
            return at.add(clean(rows(Tensors.of(m, last, shape)))).sub(rows(Tensors.of(m, source[made - 1], shape)));
        }

        /** The size rate of each clip [B] that the next frame carries on from the first step's, else null. */
        private NDArray carriedRates(NDManager m) {
            if (!carried()) {
                return null;
            }
            long b = shape.get(0);
            float[] rates = new float[(int) b];
            for (int i = 0; i < b; i++) {
                rates[i] = step[i * 3 + 2];
            }
            return carriedRate(Tensors.of(m, rates), Tensors.scalar(m, (float) (first + made)));
        }

        private void keep(NDArray frame) {
            before = last;
            last = frame.toFloatArray();
            shape = frame.getShape();
            prediction = null;
        }
    }

    /** Each frame of [B, K, C, H, W] as a plain array of [B, 1, C, H, W]. */
    private static float[][] perFrame(NDArray clip) {
        int k = (int) clip.getShape().get(1);
        float[][] out = new float[k][];
        for (int i = 0; i < k; i++) {
            out[i] = frames(clip, i, i + 1).toFloatArray();
        }
        return out;
    }

    /**
     * The size rate that frame {@code t} (2 and on) carries on from the first step's {@code g}, as arrays that
     * broadcast: the rate at which an object whose size changes by the same amount every frame, as its edges move at
     * the same speed, changes from frame t - 1 to t. A rate g takes frame 1 to 1 / (1 - g) times frame 0's size, so
     * by frame t - 1 it is 1 + (t - 1) g / (1 - g) times it and the step to frame t is g / (1 + (t - 1) g); kept
     * within {@link #MAX_SIZE_RATE} once an object shrinks to a quarter. Why not g itself at every frame: a relative
     * rate held constant compounds, so a growing object's prediction ran ever further ahead of it (the growing house
     * of the held-out clips: at frame 12 a frame too far was likelier than the truth) and a shrinking one's fell
     * behind (the shrinking apple: "held" likelier); the world's objects, like one a camera tracks at a steady
     * speed in depth, change size by steady steps, as moving ones change place (docs/experiments.md, session 33).
     */
    static NDArray carriedRate(NDArray g, NDArray t) {
        return g.div(Scalar.maximum(t.sub(1).mul(g).add(1), 0.25)).clip(-MAX_SIZE_RATE, MAX_SIZE_RATE);
    }

    /** Whether later frames carry a first step's size rate on: {@code carry_size_rate} and a first step. */
    private boolean carried() {
        return carrySize && firstStep != null;
    }

    /**
     * The next frame predicted from the last two, each [N, C, H, W]; with size {@code rates} [N] (null: none) both
     * are first scaled at that rate about their object ({@link #movedBy} with no velocity), so the matching finds what
     * moved besides and the prediction grows on. Why: an edge that moves a third of a pixel a frame, as a growing
     * object's does, matches standing still within the training noise, so matching alone let growth stall after two
     * frames (docs/experiments.md, session 26).
     */
    NDArray predict(NDArray last, NDArray before, NDArray rates) {
        Shape s = last.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDArray source = clean(last);
        NDArray reference = before;
        if (rates != null) {
            NDArray step = NDArrays.concat(new NDList(rates.getManager().zeros(new Shape(s.get(0), 2)), rates.reshape(-1, 1)), 1);
            reference = movedBy(shifted(before), step, centres(clean(before)));
            source = movedBy(shifted(source), step, centres(source));
        }
        NDArray lastPadded = padEdges(source, radius);
        NDArray beforePadded = padEdges(reference, radius);
        NDList errors = new NDList();
        NDList moved = new NDList();
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                // how well "what is around p came from p - v" explains the last frame
                NDArray came = crop(beforePadded, radius - dy, radius - dx, h, w);
                errors.add(last.sub(came).square().sum(new int[]{1}, true));
                moved.add(crop(lastPadded, radius - dy, radius - dx, h, w).expandDims(1));
            }
        }
        NDArray error = Pool.avgPool2d(NDArrays.concat(errors, 1), new Shape(window, window), new Shape(1, 1),
                new Shape(window / 2, window / 2), false, true);
        NDArray weights = Scalar.mul(error, -1.0 / temperature).softmax(1).expandDims(2);
        return NDArrays.concat(moved, 1).mul(weights).sum(new int[]{1});
    }

    /**
     * The frame [N, C, H, W] with its training noise mostly taken off, edges kept: each pixel the mean of its 3x3
     * neighbours weighted by how near their colour is to its own (a bilateral filter's range kernel). Why: the frame
     * moved on is noisy, and a copy carries its noise into the prediction, so the residual of a still pixel would be
     * the difference of two noises (twice the variance of one) and a sample's noise would add up from frame to frame
     * as a random walk; from a cleaned frame the residual is about one frame's noise and does not add up.
     */
    NDArray clean(NDArray frame) {
        if (!(range > 0)) {
            return frame;
        }
        Shape s = frame.getShape();
        NDArray padded = padEdges(frame, 1);
        NDArray sum = null;
        NDArray weight = null;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                NDArray near = crop(padded, 1 + dy, 1 + dx, s.get(2), s.get(3));
                NDArray w = Scalar.mul(near.sub(frame).square().sum(new int[]{1}, true), -1.0 / range).exp();
                sum = sum == null ? near.mul(w) : sum.add(near.mul(w));
                weight = weight == null ? w : weight.add(w);
            }
        }
        return sum.div(weight);
    }

    /** [N, C, H, W] with its border pixels repeated {@code p} times on every side. */
    private static NDArray padEdges(NDArray a, int p) {
        NDArray top = a.get(new NDIndex(":, :, 0:1, :")).repeat(2, p);
        NDArray bottom = a.get(new NDIndex(":, :, -1:, :")).repeat(2, p);
        NDArray tall = NDArrays.concat(new NDList(top, a, bottom), 2);
        NDArray left = tall.get(new NDIndex(":, :, :, 0:1")).repeat(3, p);
        NDArray right = tall.get(new NDIndex(":, :, :, -1:")).repeat(3, p);
        return NDArrays.concat(new NDList(left, tall, right), 3);
    }

    private static NDArray crop(NDArray a, long top, long left, long h, long w) {
        return a.get(new NDIndex().addAllDim().addAllDim().addSliceDim(top, top + h).addSliceDim(left, left + w));
    }

    /** Frames [from, to) of [B, T, ...]. */
    private static NDArray frames(NDArray x, int from, int to) {
        return x.get(new NDIndex().addAllDim().addSliceDim(from, to));
    }

    /** [B, T, C, H, W] as [B*T, C, H, W]. */
    private static NDArray rows(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
    }
}
