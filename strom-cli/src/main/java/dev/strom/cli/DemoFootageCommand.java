package dev.strom.cli;

import dev.strom.footage.DemoFootage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo-footage", mixinStandardHelpOptions = true,
        description = {"Writes a small captioned folder of synthetic footage, nothing like the built-in world, to try "
                + "fine-tuning on: FFmpeg's test patterns, Mandelbrot zooms, Game of Life, cellular automata and gradients "
                + "as 96x64 MP4 clips at 8 fps, 4 PNG stills and captions.csv. Prints the folder.",
                "The same options write the same files.",
                "Then fine-tune on it: strom train --data DIR --init MODEL --out RUN"})
final class DemoFootageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "a new or empty folder")
    Path dir;

    @Option(names = "--variants", paramLabel = "N", defaultValue = "4",
            description = "variants of each of the five kinds of source, 1-4 (default: ${DEFAULT-VALUE})")
    int variants;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "4",
            description = "seconds per clip, 1-60 (default: ${DEFAULT-VALUE})")
    int seconds;

    @Override
    public Integer call() throws Exception {
        List<DemoFootage.Entry> written = DemoFootage.write(dir, new DemoFootage.Options(variants, seconds));
        long clips = written.stream().filter(e -> e.file().endsWith(".mp4")).count();
        System.err.printf("strom: %d clips of %d s and %d stills, captioned in captions.csv%n", clips, seconds,
                written.size() - clips);
        System.out.println(dir);
        return 0;
    }
}
