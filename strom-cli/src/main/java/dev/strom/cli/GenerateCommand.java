package dev.strom.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates a video from a prompt (English or German) and prints where the file went.",
                "With --image the still becomes frame 0 and the model animates it (image-to-video); "
                        + "--frames beyond the model's length makes a long video window by window."})
final class GenerateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PROMPT", description = "what the video should show")
    String prompt;

    @Option(names = "--frames", description = "frames to generate, the still included (default: the model's)")
    Integer frames;

    @Option(names = "--image", paramLabel = "FILE", description = "still image (PNG, JPEG, ...) to start from: image-to-video")
    Path image;

    @Mixin
    VideoOptions video;

    @Override
    public Integer call() throws Exception {
        if (frames != null && frames <= 0) {
            throw new IllegalArgumentException("--frames must be positive, got " + frames);
        }
        ClipMaker.make(video, prompt, image == null ? null : spec -> ContextInput.image(image, spec),
                (spec, given) -> frames != null ? frames : spec.frames());
        return 0;
    }
}
