package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

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
        try (NDManager manager = NDManager.newBaseManager();
             TextToVideo video = ModelStore.load(model.resolve(), manager)) {
            var spec = video.spec();
            float[] all = ContextInput.clip(clip, spec);
            int read = Math.min(all.length / spec.dims(1), frames == null ? spec.frames() : Math.min(frames, spec.frames()));
            if (given >= read) {
                throw new IllegalArgumentException("--given " + given + " leaves nothing to read of the " + read + " frames read");
            }
            float[] x = Arrays.copyOf(all, spec.dims(read));
            double[] p = video.captionPosterior(x, given, captions, draws, seed);
            List<Integer> order = IntStream.range(0, p.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -p[i])).toList();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode out = mapper.createObjectNode();
                out.put("file", clip.toString());
                out.put("frames_read", read);
                out.put("frames_given", given);
                var list = out.putArray("captions");
                order.forEach(i -> list.addObject().put("caption", captions.get(i)).put("probability", p[i]));
                System.out.println(mapper.writeValueAsString(out));
            } else {
                System.out.printf(Locale.ROOT, "%s: %d frames read at %dx%d%s%n", clip, read, spec.size(), spec.size(),
                        given == 0 ? "" : ", the first " + given + " given");
                order.forEach(i -> System.out.printf(Locale.ROOT, "%7.4f  %s%n", p[i], captions.get(i)));
            }
        }
        return 0;
    }
}
