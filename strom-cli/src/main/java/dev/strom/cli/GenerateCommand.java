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

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates a video from a prompt (English or German) and prints where the file went.",
                "With --image the still becomes frame 0 and the model animates it (image-to-video); "
                        + "--frames beyond the model's length makes a long video window by window."})
final class GenerateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PROMPT", description = "what the video should show")
    String prompt;

    @Option(names = "--frames", description = "frames to generate, the still included, at most "
            + VideoRequest.MAX_FRAMES + " (default: the model's)")
    Integer frames;

    @Option(names = "--image", paramLabel = "FILE", description = "still image (PNG, JPEG, ...) to start from: image-to-video")
    Path image;

    @Mixin
    VideoOptions video;

    @Override
    public Integer call() throws Exception {
        if (frames != null && (frames <= 0 || frames > VideoRequest.MAX_FRAMES)) {
            throw new IllegalArgumentException("--frames must be between 1 and " + VideoRequest.MAX_FRAMES + ", got " + frames);
        }
        List<VideoOptions.Variant> variants = video.validate(prompt);
        try (VideoPipeline pipeline = video.model.open()) {
            video.checkWords(pipeline, prompt, "prompt");
            Mode mode = image == null ? Mode.TEXT : Mode.IMAGE;
            Clip still = image == null ? null : pipeline.source(mode, image);
            int n = frames != null ? frames : pipeline.spec().frames();
            for (VideoOptions.Variant v : variants) {
                ClipMaker.make(pipeline, new VideoRequest(mode, prompt, v.seed(), n,
                        video.sampling.of(pipeline.defaults()), still, null), video.output, v.file());
            }
        }
        return 0;
    }
}
