package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import dev.strom.media.LosslessCodecs;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Exact likelihood of a clip under a model, in bits per dimension (lower = more probable).",
                "Without --prompt the clip is scored against the empty caption; with it, also conditionally."})
final class ScoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLIP", description = "video or image file (mp4, webm, gif, png, ...); other sizes are resampled to the model's")
    Path clip;

    @Option(names = "--prompt", description = "caption to condition on")
    String prompt;

    @Option(names = "--codecs", description = "also encode the same pixels with lossless codecs (FFV1, x264 qp 0, PNG) and print their bits/dim")
    boolean codecs;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        MediaDecoder.Media decoded = MediaDecoder.decode(clip, MediaDecoder.Target.asStored(), MediaDecoder.Fit.CROP);
        Clip c = decoded.clip();
        try (NDManager manager = NDManager.newBaseManager();
             TextToVideo video = ModelStore.load(model.resolve(), manager)) {
            int size = video.spec().size();
            if (c.width() != size || c.height() != size) {
                // footage from elsewhere: score what the model would see of it (its size and fps, centre crop)
                System.err.printf(Locale.ROOT, "strom: %dx%d at %.3g fps resampled to the model's %dx%d at %.3g fps%n",
                        c.width(), c.height(), c.fps(), size, size, video.spec().fps());
                c = MediaDecoder.decode(clip, new MediaDecoder.Target(size, video.spec().fps(), 0), MediaDecoder.Fit.CROP).clip();
            }
            int frames = c.frames();
            float[] x = c.toModelLayout();
            double uncond = video.bitsPerDim(x, null, 0);
            Double cond = prompt == null ? null : video.bitsPerDim(x, prompt, 0);
            Map<String, LosslessCodecs.Rate> rates = Map.of();
            if (codecs) {
                Path scratch = Files.createTempDirectory("strom-codecs");
                try {
                    rates = LosslessCodecs.measure(c, scratch);
                } finally {
                    try (var files = Files.list(scratch)) {
                        for (Path f : files.toList()) Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(scratch);
                }
            }
            if (json) {
                StringBuilder extra = new StringBuilder();
                rates.forEach((k, r) -> extra.append(String.format(Locale.ROOT, ", \"%s_bits_per_dim\": %.5f", k.replace('-', '_'), r.bitsPerDim())));
                System.out.printf(Locale.ROOT, "{\"file\": \"%s\", \"frames\": %d, \"bits_per_dim\": %.5f%s%s}%n",
                        clip.toString().replace("\"", "\\\""), frames, uncond,
                        cond == null ? "" : String.format(Locale.ROOT, ", \"conditional_bits_per_dim\": %.5f", cond), extra);
            } else {
                System.out.printf(Locale.ROOT, "%s: %d frames of %dx%d%n", clip, frames, size, size);
                System.out.printf(Locale.ROOT, "bits/dim: %.4f%n", uncond);
                if (cond != null) {
                    System.out.printf(Locale.ROOT, "bits/dim given \"%s\": %.4f%n", prompt, cond);
                }
                rates.forEach((k, r) -> System.out.printf(Locale.ROOT, "%-14s %.4f bits/dim (%d bytes)%n", k + ":", r.bitsPerDim(), r.bytes()));
            }
        }
        return 0;
    }
}
