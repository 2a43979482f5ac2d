package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "edit", mixinStandardHelpOptions = true,
        description = {"Edits a clip following an instruction (English or German), e.g. \"make the background green\" or "
                + "\"verwandle den Apfel in einen Stern\".",
                "The model sees the source frames first and writes them again changed (STARFlow-V's video-to-video scheme); "
                        + "the result has the source's length at the model's size and fps.",
                "When you can say what the result shows, `strom remix` keeps far more of the source (README, Results)."})
final class EditCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIP", description = "video to edit (MP4, WebM, GIF, ...)")
    Path clip;

    @Parameters(index = "1", paramLabel = "INSTRUCTION", description = "what to change")
    String instruction;

    @Mixin
    VideoOptions video;

    @Override
    public Integer call() throws Exception {
        List<VideoOptions.Variant> variants = video.validate(instruction);
        try (VideoPipeline pipeline = video.model.open()) {
            video.checkWords(pipeline, instruction, "instruction");
            Clip source = pipeline.source(Mode.EDIT, clip);
            for (VideoOptions.Variant v : variants) {
                ClipMaker.make(pipeline, new VideoRequest(Mode.EDIT, instruction, v.seed(), source.frames(),
                        video.sampling.of(pipeline.defaults()), source, null), video.output, v.file());
            }
        }
        return 0;
    }
}
