package dev.strom.eval.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.Conditioning;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.ReverseOptions;
import dev.strom.flow.train.NoiseAugmentation;
import dev.strom.video.Generation;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Clips per minute for {@code strom batch}: the sampler as the batch runs it (one clip per call, the model's
 * defaults and length), and, for comparison, the flow's inverse pass over B clips stacked in its batch dimension.
 * The stacked pass is not what the batch runs: its Jacobi iteration stops on the mean change over all B clips, so
 * a clip made in a stack is not the clip its row makes alone (see docs/cli.md); the figure says what per-row
 * batching could gain.
 */
public final class BatchBenchmark {

    private static final List<String> PROMPTS = List.of("a red apple moving left on a blue background",
            "a yellow star moving right on a purple background", "a pink heart spinning on a gray background",
            "a green tree bouncing on a purple background", "a brown house growing on a black background",
            "an orange fish moving down on a white background", "a red apple moving up on a green background",
            "a yellow star spinning on a black background");

    private BatchBenchmark() {
    }

    /**
     * @param clips   clips timed per figure (at least the largest batch size for the stacked figures)
     * @param batches batch sizes for the stacked inverse pass
     */
    public static Map<String, Object> run(VideoModel model, int clips, List<Integer> batches) {
        Sampling s = model.defaults();
        int frames = model.spec().frames();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clip_frames", frames);
        out.put("clips", clips);
        model.sampler().sample(Generation.text(PROMPTS.get(0), 0, 4, s), null); // warm-up
        long t0 = System.nanoTime();
        for (int i = 0; i < clips; i++) {
            model.sampler().sample(Generation.text(PROMPTS.get(i % PROMPTS.size()), i, frames, s), null);
        }
        double perClip = (System.nanoTime() - t0) / 1e9 / clips;
        out.put("seconds_per_clip", EngineBenchmark.round(perClip));
        out.put("clips_per_minute", EngineBenchmark.round(60 / perClip));
        out.put("batch_size", 1);
        Map<String, Object> stacked = new LinkedHashMap<>();
        for (int b : batches) {
            int calls = Math.max(1, clips / b);
            long t1 = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                stackedSample(model, b, c * b, s);
            }
            double seconds = (System.nanoTime() - t1) / 1e9;
            stacked.put(String.valueOf(b), Map.of("clips", calls * b, "seconds", EngineBenchmark.round(seconds),
                    "clips_per_minute", EngineBenchmark.round(60 * calls * b / seconds)));
        }
        out.put("stacked_inverse_pass_by_batch", stacked);
        return out;
    }

    /** B clips of the model's length through one guided inverse pass and the denoiser, each from its own seed's noise. */
    private static void stackedSample(VideoModel model, int b, int firstSeed, Sampling s) {
        VideoSpec spec = model.spec();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<String> prompts = new ArrayList<>();
            NDList noise = new NDList();
            for (int i = 0; i < b; i++) {
                prompts.add(PROMPTS.get((firstSeed + i) % PROMPTS.size()));
            }
            TextFeatures y = model.encode(prompts);
            NDManager m = y.rows().getManager();
            for (int i = 0; i < b; i++) {
                noise.add(NoiseAugmentation.gaussian(m.zeros(new Shape(1, spec.frames(), spec.channels(), spec.size(),
                        spec.size())), s.temperature(), new Random(firstSeed + i)));
            }
            NDArray z = NDArrays.concat(noise);
            TextFeatures empty = s.guidance() > 0 ? model.encode(Collections.nCopies(b, "")) : null;
            NDArray x = model.flow().reverse(z, new Conditioning(y, empty, s.guidance()), ReverseOptions.of(s.method()));
            if (s.denoise() && model.flow().config().noiseStd() > 0) {
                x = model.flow().denoise(x, y);
            }
            x.toFloatArray();
        }
    }
}
