package dev.strom.cli;

import dev.strom.media.MediaDecoder;
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

@Command(name = "remix", mixinStandardHelpOptions = true,
        description = {"Remakes a clip under a new prompt, keeping where things are and how they move, e.g. a clip of "
                + "\"a red apple moving left on a blue background\" as \"a yellow star moving left on a blue background\".",
                "The flow maps the source to the noise it would be made from (under the caption it was made with), then "
                        + "makes the new prompt from that noise. A clip Strom made carries its prompt; for other clips "
                        + "describe the source with --from, else no caption is used. The result has the source's length at "
                        + "the model's size and fps; --temperature scales the source's noise (1 keeps "
                        + "the most of it, the model's default is steadier)."})
final class RemixCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIP", description = "video to remix (MP4, WebM, GIF, ...)")
    Path clip;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "what the result shows")
    String prompt;

    @Option(names = "--from", paramLabel = "CAPTION",
            description = "what the source shows (default: the prompt a Strom clip carries as its title, else none)")
    String from;

    @Mixin
    VideoOptions video;

    @Override
    public Integer call() throws Exception {
        List<VideoOptions.Variant> variants = video.validate(prompt);
        try (VideoPipeline pipeline = video.model.open()) {
            video.checkWords(pipeline, prompt, "prompt");
            Clip source = pipeline.source(Mode.REMIX, clip);
            String title = from == null ? MediaDecoder.title(clip) : null;
            String caption = from != null ? from : title != null ? title : "";
            for (VideoOptions.Variant v : variants) {
                ClipMaker.make(pipeline, new VideoRequest(Mode.REMIX, prompt, v.seed(), source.frames(),
                        video.sampling.of(pipeline.defaults()), source, caption), video.output, v.file());
            }
        }
        return 0;
    }
}
