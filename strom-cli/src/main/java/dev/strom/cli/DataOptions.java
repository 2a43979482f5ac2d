package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.media.MediaDecoder;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** --data and --fit: what a training command learns from, the built-in world or a folder of footage. */
final class DataOptions {

    @Option(names = "--data", defaultValue = "world", description = {"'world' for the built-in captioned world (default), "
            + "or a folder of clips and images captioned by captions.csv (file,caption), captions.jsonl "
            + "({\"file\":..,\"caption\":..}) or a .txt beside each file"})
    String data;

    @Option(names = "--fit", defaultValue = "crop", description = "how folder media become square: crop (centre, default) or pad")
    String fit;

    /**
     * The data, opened once the model's clip format is known; {@code train} is the config's train section (for the
     * world its speeds and shares of each kind of part; for both, future contrast and extension windows). Bad --data
     * or --fit is refused here, before any work.
     */
    TrainingData.Source source(JsonNode train, long seed, int batch) {
        MediaDecoder.Fit fitting = switch (fit) {
            case "crop" -> MediaDecoder.Fit.CROP;
            case "pad" -> MediaDecoder.Fit.PAD;
            default -> throw new IllegalArgumentException("--fit '" + fit + "': use crop or pad");
        };
        if (data.equals("world")) {
            return spec -> new WorldTrainingData(train, spec, seed, batch);
        }
        if (!Files.isDirectory(Path.of(data))) {
            throw new IllegalArgumentException("--data '" + data + "' is neither 'world' nor a folder");
        }
        return spec -> FolderTrainingData.open(Path.of(data), train, spec, fitting, seed, batch);
    }

    @Override
    public String toString() {
        return data;
    }
}
