package dev.strom.cli;

import dev.strom.media.VideoFormat;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where and how a made clip is written: the file, its fps and upscale, an optional contact sheet and live
 * preview, and its provenance (C2PA manifest and watermark, on unless --no-provenance).
 */
final class OutputOptions {

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "output file: .mp4, .webm or .gif (default: strom-<seed>.mp4; "
            + "with --count, the seed goes before the extension)")
    Path out;

    @Option(names = "--fps", description = "frames per second of the file (default: the model's)")
    Double fps;

    @Option(names = "--scale", defaultValue = "8", description = "nearest-neighbour upscale for viewing (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--sheet", paramLabel = "PNG", description = "also write all frames side by side to this PNG")
    Path sheet;

    @Option(names = "--preview", paramLabel = "PNG", description = "keep this PNG contact sheet up to date while frames are made (streaming)")
    Path preview;

    @Option(names = "--no-provenance", description = "write no C2PA manifest and no watermark (logged; by default every file carries both)")
    boolean noProvenance;

    @Mixin
    SigningOption signing;

    /** Checks everything before any work starts and returns the output file for this seed. */
    Path validate(long seed, boolean seedInName) {
        if (fps != null && !(fps > 0)) {
            throw new IllegalArgumentException("--fps must be positive");
        }
        if (scale < 1 || scale > 64) {
            throw new IllegalArgumentException("--scale must be between 1 and 64");
        }
        Path file = out == null ? Path.of("strom-" + seed + ".mp4") : seedInName ? withSeed(out, seed) : out;
        VideoFormat.of(file);
        for (Path png : new Path[]{sheet, preview}) {
            if (png != null && !png.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new IllegalArgumentException("--sheet and --preview must name .png files");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write to " + dir + " (missing or not writable)");
        }
        return file;
    }

    /** out.mp4 -> out-SEED.mp4, for one file per variant. */
    private static Path withSeed(Path file, long seed) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String named = dot <= 0 ? name + "-" + seed : name.substring(0, dot) + "-" + seed + name.substring(dot);
        return file.resolveSibling(named);
    }
}
