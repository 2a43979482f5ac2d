package dev.strom.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import dev.strom.tensor.Tensors;

/**
 * A small video classifier that reads object, motion and background off a clip of the built-in world.
 * It is trained on ground-truth clips only (never on generated ones), so its verdict on a generated clip
 * is an independent check of prompt adherence. Frames are pooled to 16x16, encoded per frame by a shared
 * MLP; object and background read the mean frame code, motion reads the codes of all frames in order.
 */
public final class Probe implements AutoCloseable {

    /** What the probe says about one clip. */
    public record Verdict(Thing thing, Motion motion, Hue background, float[] thingProbabilities) {
        public boolean matches(Scene.Combo c) {
            return thing == c.thing() && motion == c.motion() && background == c.background();
        }
    }

    /**
     * Training steps of the eval's probe. Read on ten real clips of every held-out triple (120), a probe of 400 steps
     * named the object in 115-117 (a growing house on black, small at first, read as a fish in 3-5 of 10) and the
     * motion in 95; one of 2000 steps names every object and 116 motions (docs/experiments.md, session 36).
     */
    public static final int EVAL_STEPS = 2000;

    private static final int POOLED = 16;
    private static final int CODE = 64;
    private final Parameters params;
    private final int frames;
    private final NDManager manager;

    private Probe(NDManager manager, int frames, long seed) {
        this.manager = manager;
        this.frames = frames;
        params = Parameters.initialised(manager, seed);
        int in = 3 * POOLED * POOLED;
        linear("frame1", in, 128);
        linear("frame2", 128, CODE);
        linear("thing", CODE, Thing.values().length);
        linear("background", CODE, CaptionedWorld.BACKGROUNDS.size());
        linear("motion1", CODE * frames, 128);
        linear("motion2", 128, Motion.values().length);
    }

    private void linear(String name, int in, int out) {
        params.declare(name + ".weight", new long[]{out, in}, new Init.Uniform(in));
        params.declare(name + ".bias", new long[]{out}, new Init.Uniform(in));
    }

    private NDArray apply(String name, NDArray x) {
        return Linear.linear(x, params.get(name + ".weight"), params.get(name + ".bias")).singletonOrThrow();
    }

    /** Trains a probe on single-object ground-truth clips of the world's training triples. */
    public static Probe train(NDManager manager, CaptionedWorld world, int steps, int batch, long seed) {
        Probe p = new Probe(manager, world.frames(), seed);
        TrainStep step = new TrainStep(p.params.all(), TrainSettings.starflow(3e-3f, 20, steps));
        Random rng = new Random(seed);
        for (int s = 0; s < steps; s++) {
            List<Clip> clips = new ArrayList<>();
            List<Scene.Combo> labels = new ArrayList<>();
            while (clips.size() < batch) {
                Scene.Combo c = new Scene.Combo(Thing.values()[rng.nextInt(Thing.values().length)],
                        Motion.values()[rng.nextInt(Motion.values().length)],
                        CaptionedWorld.BACKGROUNDS.get(rng.nextInt(CaptionedWorld.BACKGROUNDS.size())));
                if (CaptionedWorld.HELD_OUT.contains(c) || !CaptionedWorld.visible(c.thing(), c.background())) {
                    continue;
                }
                clips.add(world.render(world.scene(c, rng.nextLong())));
                labels.add(c);
            }
            step.run(() -> p.loss(clips, labels));
        }
        p.params.requireGradients(false);
        return p;
    }

    /** Head outputs and the features under them. */
    private record Heads(NDArray thing, NDArray background, NDArray motion, NDArray frameCodes, NDArray motionHidden) {
    }

    private NDArray[] logits(List<Clip> clips) {
        Heads h = heads(clips);
        return new NDArray[]{h.thing(), h.background(), h.motion()};
    }

    private Heads heads(List<Clip> clips) {
        int b = clips.size();
        int size = clips.get(0).width();
        float[] all = new float[b * frames * 3 * size * size];
        for (int i = 0; i < b; i++) {
            float[] x = clips.get(i).toModelLayout();
            System.arraycopy(x, 0, all, i * x.length, Math.min(x.length, frames * 3 * size * size));
        }
        int f = size / POOLED;
        NDArray x = Tensors.of(manager, all, new Shape(b, frames, 3, POOLED, f, POOLED, f)).mean(new int[]{6}).mean(new int[]{4})
                .reshape(b, frames, 3 * POOLED * POOLED);
        NDArray code = Activation.gelu(apply("frame2", Activation.gelu(apply("frame1", x))));
        NDArray mean = code.mean(new int[]{1});
        NDArray hidden = Activation.gelu(apply("motion1", code.reshape(b, (long) frames * CODE)));
        return new Heads(apply("thing", mean), apply("background", mean), apply("motion2", hidden), code, hidden);
    }

    private NDArray loss(List<Clip> clips, List<Scene.Combo> labels) {
        NDArray[] l = logits(clips);
        int b = clips.size();
        float[][] onehot = new float[3][];
        int[] sizes = {Thing.values().length, CaptionedWorld.BACKGROUNDS.size(), Motion.values().length};
        for (int k = 0; k < 3; k++) onehot[k] = new float[b * sizes[k]];
        for (int i = 0; i < b; i++) {
            Scene.Combo c = labels.get(i);
            onehot[0][i * sizes[0] + c.thing().ordinal()] = 1;
            onehot[1][i * sizes[1] + CaptionedWorld.BACKGROUNDS.indexOf(c.background())] = 1;
            onehot[2][i * sizes[2] + c.motion().ordinal()] = 1;
        }
        NDArray total = null;
        for (int k = 0; k < 3; k++) {
            NDArray target = Tensors.of(manager, onehot[k], new Shape(b, sizes[k]));
            NDArray ce = l[k].logSoftmax(-1).mul(target).sum(new int[]{1}).neg().mean();
            total = total == null ? ce : total.add(ce);
        }
        return total;
    }

    /** The probe's reading of each clip (clips of the world's size and frame count). */
    public List<Verdict> classify(List<Clip> clips) {
        List<Verdict> out = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < clips.size(); i += 32) {
                NDArray[] l = logits(clips.subList(i, Math.min(clips.size(), i + 32)));
                long[] thing = l[0].argMax(1).toLongArray();
                long[] bg = l[1].argMax(1).toLongArray();
                long[] motion = l[2].argMax(1).toLongArray();
                float[] probs = l[0].softmax(-1).toFloatArray();
                int n = Thing.values().length;
                for (int j = 0; j < thing.length; j++) {
                    float[] p = new float[n];
                    System.arraycopy(probs, j * n, p, 0, n);
                    out.add(new Verdict(Thing.values()[(int) thing[j]], Motion.values()[(int) motion[j]],
                            CaptionedWorld.BACKGROUNDS.get((int) bg[j]), p));
                }
            }
        }
        return out;
    }

    /** The probe's feature vector per clip (mean frame code and motion features), for Fréchet distances. */
    public double[][] features(List<Clip> clips) {
        double[][] out = new double[clips.size()][];
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < clips.size(); i += 32) {
                Heads h = heads(clips.subList(i, Math.min(clips.size(), i + 32)));
                NDArray f = NDArrays.concat(new NDList(h.frameCodes().mean(new int[]{1}), h.motionHidden()), 1);
                int d = (int) f.getShape().get(1);
                float[] v = f.toFloatArray();
                for (int j = 0; j < v.length / d; j++) {
                    out[i + j] = new double[d];
                    for (int k = 0; k < d; k++) out[i + j][k] = v[j * d + k];
                }
            }
        }
        return out;
    }

    /** Share of consecutive frame pairs whose per-frame object reading agrees (1 = never changes). */
    public double objectConsistency(Clip clip) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Heads h = heads(List.of(clip));
            long[] perFrame = apply("thing", h.frameCodes()).argMax(2).toLongArray();
            int same = 0;
            for (int t = 1; t < perFrame.length; t++) same += perFrame[t] == perFrame[t - 1] ? 1 : 0;
            return perFrame.length < 2 ? 1 : (double) same / (perFrame.length - 1);
        }
    }

    @Override
    public void close() {
        params.close();
    }
}
