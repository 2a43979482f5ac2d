package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.flow.InverseMethod;
import dev.strom.flow.JacobiInverse;
import dev.strom.flow.SequentialInverse;
import dev.strom.media.ClipWriter;
import dev.strom.media.ContactSheet;
import dev.strom.media.VideoFormat;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates a video from a prompt (English or German) and prints where the file went.")
final class GenerateCommand implements Callable<Integer> {

    enum Sampler { jacobi, sequential }

    @Parameters(paramLabel = "PROMPT", description = "what the video should show")
    String prompt;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "output file: .mp4, .webm or .gif (default: strom-<seed>.mp4)")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "random seed; same seed, same video (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cfg", description = "guidance weight, 0 for none (default: the model's, else 3.0)")
    Float cfg;

    @Option(names = "--frames", description = "frames to generate (default: the model's)")
    Integer frames;

    @Option(names = "--fps", description = "frames per second of the file (default: the model's)")
    Double fps;

    @Option(names = "--sampler", defaultValue = "jacobi", description = "jacobi or sequential (default ${DEFAULT-VALUE})")
    Sampler sampler;

    @Option(names = "--scale", defaultValue = "8", description = "nearest-neighbour upscale for viewing (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--temperature", description = "noise scale of the prior (default: the model's, else 1.0)")
    Float temperature;

    @Option(names = "--sheet", paramLabel = "PNG", description = "also write all frames side by side to this PNG")
    Path sheet;

    @Option(names = "--no-denoise", description = "skip the final score-based denoising step")
    boolean noDenoise;

    @Option(names = "--no-provenance", description = "write no C2PA manifest and no watermark (logged; by default every file carries both)")
    boolean noProvenance;

    @Mixin
    ModelOption model;

    @Mixin
    SigningOption signing;

    @Override
    public Integer call() throws Exception {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (frames != null && frames <= 0) {
            throw new IllegalArgumentException("--frames must be positive, got " + frames);
        }
        if (fps != null && !(fps > 0)) {
            throw new IllegalArgumentException("--fps must be positive");
        }
        if (scale < 1 || scale > 64) {
            throw new IllegalArgumentException("--scale must be between 1 and 64");
        }
        Path file = out != null ? out : Path.of("strom-" + seed + ".mp4");
        VideoFormat.of(file);
        if (sheet != null && !sheet.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--sheet must name a .png file");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write to " + dir + " (missing or not writable)");
        }
        long t0 = System.nanoTime();
        Path dirPath = model.resolve();
        ModelOption.Sampling sampling = model.sampling(cfg, temperature);
        try (NDManager manager = NDManager.newBaseManager();
             TextToVideo video = ModelStore.load(dirPath, manager)) {
            int n = frames != null ? frames : video.spec().frames();
            InverseMethod method = sampler == Sampler.jacobi ? new JacobiInverse(16, 32, 1e-3) : new SequentialInverse();
            ProgressBar bar = new ProgressBar("generate");
            float[] x = video.generate(new TextToVideo.Generation(prompt, seed, sampling.guidance(), n, method, !noDenoise, sampling.temperature()),
                    (done, total, frac) -> bar.update((done + frac) / total, "block " + Math.min(done + 1, total) + "/" + total));
            double rate = fps != null ? fps : video.spec().fps();
            Clip clip = Clip.fromModelLayout(x, n, video.spec().size(), video.spec().size(), rate);
            Provenance provenance = Provenance.open(noProvenance, signing, dirPath);
            String settings = String.join("|", prompt, "seed " + seed, "cfg " + sampling.guidance(), "frames " + n,
                    "temperature " + sampling.temperature(), sampler.name(), "denoise " + !noDenoise);
            ClipWriter.write(clip, file, scale, Map.of("title", prompt, "encoder", "Strom"), provenance.watermark(clip, scale, settings));
            provenance.sign(file);
            if (sheet != null) {
                ContactSheet.write(clip, sheet, 4);
                provenance.sign(sheet);
            }
            bar.finish(String.format(Locale.ROOT, "%d frames %dx%d at %.0f fps in %.1f s", n, clip.width() * scale,
                    clip.height() * scale, rate, (System.nanoTime() - t0) / 1e9));
        }
        System.out.println(file.toAbsolutePath());
        return 0;
    }
}
