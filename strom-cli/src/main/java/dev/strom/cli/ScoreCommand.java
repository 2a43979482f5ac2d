package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.data.Clip;
import dev.strom.media.LosslessCodecs;
import dev.strom.media.MediaDecoder;
import dev.strom.pipeline.Score;
import dev.strom.pipeline.VideoPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Locale;
import java.util.TreeMap;
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
        try (VideoPipeline pipeline = model.open()) {
            MediaDecoder.Media media = pipeline.read(clip);
            Score score = pipeline.score(media, prompt).withFile(clip.toString());
            if (score.resampledFrom() != null) {
                // footage from elsewhere: scored as the model sees it (its size and fps, centre crop)
                System.err.printf(Locale.ROOT, "strom: %s resampled to the model's %dx%d at %.3g fps%n", score.resampledFrom(),
                        pipeline.spec().size(), pipeline.spec().size(), pipeline.spec().fps());
            }
            Map<String, LosslessCodecs.Rate> rates = codecs ? codecRates(media.clip()) : Map.of();
            if (codecs) {
                Map<String, Double> bits = new TreeMap<>();
                rates.forEach((k, r) -> bits.put(k, r.bitsPerDim()));
                score = score.withCodecs(bits);
            }
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(score));
            } else {
                int size = pipeline.spec().size();
                System.out.printf(Locale.ROOT, "%s: %d frames of %dx%d%n", clip, score.frames(), size, size);
                System.out.printf(Locale.ROOT, "bits/dim: %.4f%n", score.bitsPerDim());
                if (prompt != null) {
                    System.out.printf(Locale.ROOT, "bits/dim given \"%s\": %.4f%n", prompt, score.conditionalBitsPerDim());
                }
                rates.forEach((k, r) -> System.out.printf(Locale.ROOT, "%-14s %.4f bits/dim (%d bytes)%n", k + ":", r.bitsPerDim(), r.bytes()));
            }
        }
        return 0;
    }

    /** Lossless codecs' rates on the same pixels, written to a scratch directory that is gone afterwards. */
    private static Map<String, LosslessCodecs.Rate> codecRates(Clip c) throws IOException {
        Path scratch = Files.createTempDirectory("strom-codecs");
        try {
            return LosslessCodecs.measure(c, scratch);
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }
}
