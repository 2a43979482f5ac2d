package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "extend", mixinStandardHelpOptions = true,
        description = {"Continues a clip: its frames open the new video unchanged, the model adds SECONDS more.",
                "The clip is resampled to the model's size and fps; windows with context frames keep the cost per frame constant."})
final class ExtendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIP", description = "video to continue (MP4, WebM, GIF, ...)")
    Path clip;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "what happens next")
    String prompt;

    @Option(names = "--seconds", defaultValue = "2", description = "seconds to add (default ${DEFAULT-VALUE}); the result, "
            + "the clip included, is at most " + VideoRequest.MAX_FRAMES + " frames")
    double seconds;

    @Mixin
    VideoOptions video;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException("--seconds must be between 0 and 600");
        }
        List<VideoOptions.Variant> variants = video.validate(prompt);
        try (VideoPipeline pipeline = video.model.open()) {
            video.checkWords(pipeline, prompt, "prompt");
            Clip source = pipeline.source(Mode.EXTEND, clip);
            int n = source.frames() + (int) Math.max(1, Math.round(seconds * pipeline.spec().fps()));
            if (n > VideoRequest.MAX_FRAMES) {
                throw new IllegalArgumentException("--seconds " + seconds + " would make " + n + " frames (the clip's "
                        + source.frames() + " and " + (n - source.frames()) + " more); a video is at most "
                        + VideoRequest.MAX_FRAMES + " frames");
            }
            for (VideoOptions.Variant v : variants) {
                ClipMaker.make(pipeline, new VideoRequest(Mode.EXTEND, prompt, v.seed(), n,
                        video.sampling.of(pipeline.defaults()), source, null), video.output, v.file());
            }
        }
        return 0;
    }
}
