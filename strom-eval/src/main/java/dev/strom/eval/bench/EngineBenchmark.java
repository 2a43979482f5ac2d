package dev.strom.eval.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.Conditioning;
import dev.strom.flow.InverseMethod;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.SequentialInverse;
import dev.strom.flow.StarFlow;
import dev.strom.flow.TokenLayout;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.video.Sampling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import dev.strom.tensor.Tensors;

/**
 * Speed of the flow engine on this machine, measured: matmul throughput, training step time and
 * tokens/s with the model's achieved fraction of that throughput (MFU), and sequential vs Jacobi
 * sampling time.
 */
public final class EngineBenchmark {

    private EngineBenchmark() {
    }

    /** The fixed small video config the engine benchmark uses: 8 frames of 16x16x3, patch 2. */
    public static FlowConfig benchConfig() {
        return FlowConfig.builder().inChannels(3).imgSize(16).patchSize(2).channels(128).layersPerBlock(2, 2, 4)
                .headDim(32).txtSize(8).txtDim(64).condTopOnly(true).softplus(true).finalNorm(true).softClip(4)
                .reversedOrder(false).topChannels(192).temporalCausal(2).shallowBlockLocal(true).noiseStd(0.1f)
                .build();
    }

    /** Measured fp32 matmul GFLOP/s (n x n by n x n, best of several runs). */
    public static double matmulGflops(NDManager m, int n, int repeats) {
        NDArray a = m.randomNormal(new Shape(n, n));
        NDArray b = m.randomNormal(new Shape(n, n));
        a.matMul(b).close();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            NDArray c = a.matMul(b);
            c.toFloatArray();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            c.close();
        }
        a.close();
        b.close();
        return 2.0 * n * n * n / best / 1e9;
    }

    public static Map<String, Object> run(NDManager manager, FlowConfig cfg, int frames, int batch, int trainSteps,
                                          int jacobiBlock, double jacobiThreshold) {
        Map<String, Object> out = new LinkedHashMap<>();
        double peak = matmulGflops(manager, 1024, 5);
        out.put("matmul_fp32_gflops", round(peak));
        int textLength = cfg.txtSize();
        TokenLayout layout = new TokenLayout(frames, cfg.gridSize(), cfg.gridSize());
        Random rng = new Random(0);
        try (NDManager m = manager.newSubManager(); StarFlow flow = StarFlow.initialise(cfg, m, 0)) {
            perturb(flow, rng);
            out.put("parameters", flow.parameters().count());
            out.put("config", Map.of("frames", frames, "height", cfg.imgSize(), "width", cfg.imgSize(),
                    "channels", cfg.inChannels(), "patch", cfg.patchSize(), "tokens_per_clip", layout.length(),
                    "batch", batch, "text_length", textLength));
            NDArray x = gaussian(m, rng, batch, frames, cfg.inChannels(), cfg.imgSize(), cfg.imgSize());
            NDArray y = gaussian(m, rng, batch, textLength, cfg.txtDim());
            TrainStep step = new TrainStep(flow.parameters().all(), TrainSettings.starflow(1e-4f, 0, trainSteps + 1));
            step.run(() -> FlowLoss.training(flow.forward(NoiseAugmentation.apply(x, 0.1f, rng), y), cfg));
            long t0 = System.nanoTime();
            for (int i = 0; i < trainSteps; i++) {
                step.run(() -> FlowLoss.training(flow.forward(NoiseAugmentation.apply(x, 0.1f, rng), y), cfg));
            }
            double stepSeconds = (System.nanoTime() - t0) / 1e9 / trainSteps;
            double flops = 3 * FlopCount.forward(cfg, layout, textLength, batch);
            out.put("train_step_seconds", round(stepSeconds));
            out.put("train_tokens_per_second", round(batch * layout.length() / stepSeconds));
            out.put("train_gflops_achieved", round(flops / stepSeconds / 1e9));
            out.put("train_mfu", round(flops / stepSeconds / 1e9 / peak));
            flow.parameters().requireGradients(false);

            NDArray z = gaussian(m, rng, 1, frames, cfg.inChannels(), cfg.imgSize(), cfg.imgSize());
            NDArray y1 = y.get("0:1");
            NDArray yEmpty = y1.zerosLike();
            double seq = timeSample(flow, z, y1, yEmpty, new SequentialInverse());
            // Strom's Jacobi settings with the block size and threshold under test
            JacobiInverse jacobi = (JacobiInverse) Sampling.Inversion.jacobi(jacobiBlock,
                    Sampling.Inversion.JACOBI.iterations(), jacobiThreshold).method();
            double jac = timeSample(flow, z, y1, yEmpty, jacobi);
            out.put("sample_sequential_seconds", round(seq));
            out.put("sample_jacobi_seconds", round(jac));
            out.put("jacobi_speedup", round(seq / jac));
            out.put("jacobi_block_size", jacobiBlock);
            out.put("jacobi_threshold", jacobiThreshold);
            out.put("jacobi_chunks", jacobi.iterationsPerChunk().size());
            out.put("jacobi_mean_iterations", round(jacobi.iterationsPerChunk().stream().mapToInt(i -> i).average().orElse(0)));
        }
        return out;
    }

    private static double timeSample(StarFlow flow, NDArray z, NDArray y, NDArray yEmpty, InverseMethod method) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long t0 = System.nanoTime();
            flow.reverse(z, new Conditioning(y, yEmpty, 3f), ReverseOptions.of(method)).toFloatArray();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Non-zero output projections so sampling does real work (fresh blocks are identities). */
    private static void perturb(StarFlow flow, Random rng) {
        flow.parameters().all().forEach((name, p) -> {
            if (name.endsWith("proj_out.weight")) {
                float[] v = new float[(int) p.getShape().size()];
                for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 0.02);
                p.set(v);
            }
        });
    }

    private static NDArray gaussian(NDManager m, Random rng, long... shape) {
        Shape s = new Shape(shape);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Tensors.of(m, v, s);
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
