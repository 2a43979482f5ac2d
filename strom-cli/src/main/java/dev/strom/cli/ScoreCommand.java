package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.media.ClipReader;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Exact likelihood of a clip under a model, in bits per dimension (lower = more probable).",
                "Without --prompt the clip is scored against the empty caption; with it, also conditionally."})
final class ScoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLIP", description = "video file (mp4, webm, gif, ...) at the model's frame size")
    Path clip;

    @Option(names = "--prompt", description = "caption to condition on")
    String prompt;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        ClipReader.Decoded decoded = ClipReader.read(clip);
        Clip c = decoded.clip();
        try (NDManager manager = NDManager.newBaseManager();
             TextToVideo video = ModelStore.load(model.resolve(), manager)) {
            int size = video.spec().size();
            if (c.width() != size || c.height() != size) {
                throw new IllegalArgumentException("clip is " + c.width() + "x" + c.height() + " but the model works at "
                        + size + "x" + size);
            }
            int frames = Math.min(c.frames(), video.spec().frames());
            float[] x = Arrays.copyOf(c.toModelLayout(), video.spec().dims(frames));
            double uncond = video.bitsPerDim(List.of(x), frames, Collections.singletonList(null), 0)[0];
            Double cond = prompt == null ? null : video.bitsPerDim(List.of(x), frames, List.of(prompt), 0)[0];
            if (json) {
                System.out.printf(Locale.ROOT, "{\"file\": \"%s\", \"frames\": %d, \"bits_per_dim\": %.5f%s}%n",
                        clip.toString().replace("\"", "\\\""), frames, uncond,
                        cond == null ? "" : String.format(Locale.ROOT, ", \"conditional_bits_per_dim\": %.5f", cond));
            } else {
                System.out.printf(Locale.ROOT, "%s: %d frames of %dx%d%n", clip, frames, size, size);
                System.out.printf(Locale.ROOT, "bits/dim: %.4f%n", uncond);
                if (cond != null) {
                    System.out.printf(Locale.ROOT, "bits/dim given \"%s\": %.4f%n", prompt, cond);
                }
            }
        }
        return 0;
    }
}
