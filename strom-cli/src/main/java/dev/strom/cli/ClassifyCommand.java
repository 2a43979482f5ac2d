package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.media.MediaDecoder;
import dev.strom.pipeline.Classification;
import dev.strom.pipeline.ClassifyRequest;
import dev.strom.pipeline.VideoPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Which of the given captions describes a clip, read off the model's exact likelihood (zero-shot): "
                + "the probability that the clip was made from each, every caption equally likely beforehand.",
                "The clip is read at the model's size and fps (centre crop), at most its training length, "
                        + "noise-augmented as in training. Captions should differ in what you want to tell apart and "
                        + "be worded alike otherwise."})
final class ClassifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIP", description = "video or image file (MP4, WebM, GIF, PNG, ...)")
    Path clip;

    @Parameters(index = "1..*", arity = "2..*", paramLabel = "CAPTION", description = "two or more captions to choose between")
    List<String> captions;

    @Option(names = "--frames", paramLabel = "N",
            description = "read only the first N frames (for the bundled model, the first 2 read the motion best)")
    Integer frames;

    @Option(names = "--given", paramLabel = "N",
            description = "the first N frames are given, not read: which caption the rest follows once they are seen "
                    + "(e.g. the part an extension added)")
    int given = 0;

    @Option(names = "--draws", paramLabel = "N",
            description = "noise draws each caption's likelihood is averaged over (default: ${DEFAULT-VALUE})")
    int draws = 4;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the noise draws (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        if (captions.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("captions must not be empty");
        }
        if (draws < 1) {
            throw new IllegalArgumentException("--draws must be at least 1, got " + draws);
        }
        if (frames != null && frames <= 0) {
            throw new IllegalArgumentException("--frames must be at least 1, got " + frames);
        }
        if (given < 0) {
            throw new IllegalArgumentException("--given must be 0 or more, got " + given);
        }
        try (VideoPipeline pipeline = model.open()) {
            MediaDecoder.Media media = pipeline.read(clip);
            int read = pipeline.framesRead(media.clip(), frames);
            if (given >= read) {
                throw new IllegalArgumentException("--given " + given + " leaves nothing to read of the " + read + " frames read");
            }
            Classification c = pipeline.classify(media, new ClassifyRequest(captions, frames, given, draws, seed))
                    .withFile(clip.toString());
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(c));
            } else {
                var spec = pipeline.spec();
                System.out.printf(Locale.ROOT, "%s: %d frames read at %dx%d%s%n", clip, c.framesRead(), spec.size(), spec.size(),
                        given == 0 ? "" : ", the first " + given + " given");
                c.captions().forEach(choice -> System.out.printf(Locale.ROOT, "%7.4f  %s%n", choice.probability(), choice.caption()));
            }
        }
        return 0;
    }
}
