package dev.strom.eval.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.Conditioning;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.video.Generation;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Wall time to generate one clip with a real model: sequential vs Jacobi, how it grows with length, long videos. */
public final class GenerationBenchmark {

    private static final String PROMPT = "a red apple moving left on a blue background";

    private GenerationBenchmark() {
    }

    public static Map<String, Object> run(VideoModel model, List<Integer> frameCounts, float guidance) {
        Map<String, Object> out = new LinkedHashMap<>();
        int frames = model.spec().frames();
        // the model's own inversion, at the benchmark's guidance and temperature 1, denoised
        Sampling jacobi = model.defaults().withGuidance(guidance).withTemperature(1f).withDenoise(true);
        generate(model, 8, jacobi); // warm-up
        out.put("clip_frames", frames);
        out.put("sequential_seconds", EngineBenchmark.round(generate(model, frames,
                jacobi.withInversion(Sampling.Inversion.SEQUENTIAL))));
        out.put("jacobi_seconds", EngineBenchmark.round(generate(model, frames, jacobi)));
        JacobiInverse counted = iterations(model, jacobi);
        out.put("jacobi_chunks", counted.iterationsPerChunk().size());
        out.put("jacobi_mean_iterations",
                EngineBenchmark.round(counted.iterationsPerChunk().stream().mapToInt(i -> i).average().orElse(0)));
        Map<String, Object> scaling = new LinkedHashMap<>();
        for (int n : frameCounts) {
            double s = generate(model, n, jacobi);
            scaling.put(String.valueOf(n), Map.of("seconds", EngineBenchmark.round(s),
                    "seconds_per_frame", EngineBenchmark.round(s / n)));
        }
        out.put("jacobi_by_frames", scaling);
        // long videos are made window by window: the cost per frame of a 4x video against a 1x one
        double one = generate(model, frames, jacobi) / frames;
        double four = generate(model, 4 * frames, jacobi) / (4 * frames);
        out.put("long_video", Map.of("seconds_per_frame_1x", EngineBenchmark.round(one),
                "seconds_per_frame_4x", EngineBenchmark.round(four), "ratio_4x_to_1x", EngineBenchmark.round(four / one)));
        return out;
    }

    private static double generate(VideoModel model, int frames, Sampling sampling) {
        long t0 = System.nanoTime();
        model.sampler().sample(Generation.text(PROMPT, 1, frames, sampling), null);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One clip's inverse pass with a Jacobi solver of the model's settings, which counts its iterations per chunk. */
    private static JacobiInverse iterations(VideoModel model, Sampling sampling) {
        if (!(sampling.method() instanceof JacobiInverse jacobi)) {
            throw new IllegalArgumentException("the model's default inversion is not Jacobi iteration");
        }
        VideoSpec spec = model.spec();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            TextFeatures y = model.encode(List.of(PROMPT));
            TextFeatures empty = sampling.guidance() > 0 ? model.encode(List.of("")) : null;
            NDArray z = NoiseAugmentation.gaussian(y.rows().getManager().zeros(
                    new Shape(1, spec.frames(), spec.channels(), spec.size(), spec.size())), 1f, new Random(1));
            model.flow().reverse(z, new Conditioning(y, empty, sampling.guidance()), ReverseOptions.of(jacobi));
        }
        return jacobi;
    }
}
