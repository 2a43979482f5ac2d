package dev.strom.eval.bench;

import dev.strom.flow.InverseMethod;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.SequentialInverse;
import dev.strom.video.TextToVideo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wall time to generate one clip with a real model: sequential vs Jacobi, how it grows with length, long videos. */
public final class GenerationBenchmark {

    private static final String PROMPT = "a red apple moving left on a blue background";

    private GenerationBenchmark() {
    }

    public static Map<String, Object> run(TextToVideo model, List<Integer> frameCounts, float guidance) {
        Map<String, Object> out = new LinkedHashMap<>();
        int frames = model.spec().frames();
        generate(model, 8, new JacobiInverse(16, 32, 1e-3), guidance); // warm-up
        out.put("clip_frames", frames);
        out.put("sequential_seconds", EngineBenchmark.round(generate(model, frames, new SequentialInverse(), guidance)));
        JacobiInverse jacobi = new JacobiInverse(16, 32, 1e-3);
        out.put("jacobi_seconds", EngineBenchmark.round(generate(model, frames, jacobi, guidance)));
        out.put("jacobi_chunks", jacobi.iterationsPerChunk().size());
        out.put("jacobi_mean_iterations",
                EngineBenchmark.round(jacobi.iterationsPerChunk().stream().mapToInt(i -> i).average().orElse(0)));
        Map<String, Object> scaling = new LinkedHashMap<>();
        for (int n : frameCounts) {
            double s = generate(model, n, new JacobiInverse(16, 32, 1e-3), guidance);
            scaling.put(String.valueOf(n), Map.of("seconds", EngineBenchmark.round(s),
                    "seconds_per_frame", EngineBenchmark.round(s / n)));
        }
        out.put("jacobi_by_frames", scaling);
        // long videos are made window by window: the cost per frame of a 4x video against a 1x one
        double one = generate(model, frames, new JacobiInverse(16, 32, 1e-3), guidance) / frames;
        double four = generate(model, 4 * frames, new JacobiInverse(16, 32, 1e-3), guidance) / (4 * frames);
        out.put("long_video", Map.of("seconds_per_frame_1x", EngineBenchmark.round(one),
                "seconds_per_frame_4x", EngineBenchmark.round(four), "ratio_4x_to_1x", EngineBenchmark.round(four / one)));
        return out;
    }

    private static double generate(TextToVideo model, int frames, InverseMethod method, float guidance) {
        long t0 = System.nanoTime();
        model.generate(new TextToVideo.Generation(PROMPT, 1, guidance, frames, method, true, 1f), null);
        return (System.nanoTime() - t0) / 1e9;
    }
}
