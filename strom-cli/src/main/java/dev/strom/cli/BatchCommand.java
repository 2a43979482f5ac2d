package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.media.VideoFormat;
import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import dev.strom.provenance.WatermarkPayload;
import dev.strom.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Makes one video per row of a spreadsheet (CSV whose header names the --template's fields, or "
                + "a prompt column) or of a JSONL file (one request per line with generate's options: prompt, seed, cfg, "
                + "temperature, frames, image, sampler, no_denoise, strict, name), into a folder with manifest.csv.",
                "A rerun skips the rows already done; a stopped run leaves no half-written file. Bad rows are listed "
                        + "in the manifest and the others made. Exit 0: every row done; 1: some row failed or was "
                        + "skipped (see manifest.csv); 2: bad input to the command (no such file, bad template)."})
final class BatchCommand implements java.util.concurrent.Callable<Integer> {

    private static final int SLUG = 60;

    @Parameters(paramLabel = "ROWS", description = "rows.csv or rows.jsonl")
    Path rows;

    @Option(names = "--template", description = "prompt with {column} fields filled from each CSV row, "
            + "e.g. \"a {colour} {object} moving {direction} on a {background} background\" (default: the prompt column)")
    String template;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "folder for the videos and manifest.csv (created if missing)")
    Path out;

    @Option(names = "--format", defaultValue = "mp4", description = "mp4, webm or gif for rows without a named file (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--frames", description = "frames per video unless the row says (default: the model's)")
    Integer frames;

    @Option(names = "--force", description = "make every row again, even those a previous run finished")
    boolean force;

    @Option(names = "--strict", description = "skip rows with words the model never saw (default: make them and warn)")
    boolean strict;

    @Option(names = "--scale", defaultValue = "8", description = "nearest-neighbour upscale for viewing (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--fps", description = "frames per second of the files (default: the model's)")
    Double fps;

    @Option(names = "--no-provenance", description = "write no C2PA manifest and no watermark (logged; by default every file carries both)")
    boolean noProvenance;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    SigningOption signing;

    @Mixin
    ModelOption model;

    /** A row as it will be made: its seed and file, and its request, or why it cannot be made. */
    private record Planned(int row, String prompt, long seed, String file, VideoRequest request, String error) {
    }

    @Override
    public Integer call() throws Exception {
        String extension = checkOptions();
        List<BatchRows.Row> read = BatchRows.read(rows, template);
        try (BatchFolder folder = BatchFolder.take(out)) {
            Thread cleanup = new Thread(folder::removeTemporaries, "strom-batch-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                return run(read, folder, extension);
            } finally {
                removeHook(cleanup);
            }
        }
    }

    private String checkOptions() {
        if (scale < 1 || scale > 64) {
            throw new IllegalArgumentException("--scale must be between 1 and 64");
        }
        if (fps != null && !(fps > 0)) {
            throw new IllegalArgumentException("--fps must be positive");
        }
        if (frames != null && (frames <= 0 || frames > VideoRequest.MAX_FRAMES)) {
            throw new IllegalArgumentException("--frames must be between 1 and " + VideoRequest.MAX_FRAMES + ", got " + frames);
        }
        return VideoFormat.of(Path.of("x." + format.toLowerCase(Locale.ROOT))).extension();
    }

    private int run(List<BatchRows.Row> read, BatchFolder folder, String extension) throws IOException {
        long base = baseSeed(folder);
        BatchManifest manifest = BatchManifest.read(folder.file(BatchFolder.MANIFEST));
        folder.recover(manifest.entries().stream().filter(e -> e.status() == BatchManifest.Status.done)
                .map(BatchManifest.Entry::file).toList());
        try (VideoPipeline pipeline = model.open()) {
            List<Planned> plan = plan(read, pipeline, base, extension);
            Delivery delivery = Provenance.delivery(noProvenance, signing, pipeline.name());
            List<Planned> todo = new ArrayList<>();
            int before = 0;
            for (Planned p : plan) {
                if (p.error() != null) {
                    manifest.put(new BatchManifest.Entry(p.row(), Objects.toString(p.prompt(), ""), Long.toString(p.seed()),
                            Objects.toString(p.file(), ""), BatchManifest.Status.skipped, p.error(), "", ""));
                } else if (!force && finishedBefore(p, manifest, folder)) {
                    before++;
                } else {
                    todo.add(p);
                }
            }
            if (before > 0) {
                System.err.println("strom: " + before + " of " + plan.size() + " rows were done by an earlier run; "
                        + "making the other " + todo.size() + (force ? "" : " (--force makes all again)"));
            }
            ProgressBar bar = new ProgressBar("batch");
            for (int k = 0; k < todo.size(); k++) {
                make(todo.get(k), pipeline, delivery, folder, manifest, new Progress(bar, k, todo.size()));
            }
            bar.finish(null);
            if (!Files.exists(folder.file(BatchFolder.MANIFEST))) {
                manifest.write();
            }
            return summary(plan.size(), manifest, folder);
        }
    }

    /** --seed, else the seed an earlier batch in the folder used (so a rerun makes the same clips), else a random one. */
    private long baseSeed(BatchFolder folder) throws IOException {
        var saved = folder.savedSeed();
        long base = sampling.seed != null ? sampling.seed
                : saved.orElseGet(VideoRequest::randomSeed);
        if (saved.isEmpty() || saved.get() != base) {
            folder.saveSeed(base);
        }
        System.err.println("strom: seed " + base + (sampling.seed == null && saved.isPresent() ? " (from " + BatchFolder.STATE
                + ", as the earlier run)" : "") + ": row N gets seed " + base + " + N - 1 unless it has its own");
        return base;
    }

    /** Every row's seed, file and request, checked against the model before anything is made. */
    private List<Planned> plan(List<BatchRows.Row> read, VideoPipeline pipeline, long base, String extension) {
        List<Planned> plan = new ArrayList<>();
        Map<String, Integer> fileRows = new HashMap<>();
        Map<String, List<Integer>> unknown = new LinkedHashMap<>();
        for (BatchRows.Row r : read) {
            long seed = r.seed() != null ? r.seed() : base + r.row() - 1;
            String file = null;
            VideoRequest request = null;
            String error = r.error();
            try {
                if (error == null) {
                    file = fileName(r, extension);
                    Integer other = fileRows.putIfAbsent(file, r.row());
                    if (other != null) {
                        throw new IllegalArgumentException("file " + file + " is row " + other + "'s");
                    }
                    request = request(r, seed, pipeline, unknown);
                }
            } catch (IllegalArgumentException | IOException e) {
                error = StromCommand.oneLine(e);
            }
            plan.add(new Planned(r.row(), r.prompt(), seed, file, error == null ? request : null, error));
        }
        unknown.forEach((word, at) -> System.err.println("warning: the model never saw the word " + word + " (rows "
                + String.join(", ", at.stream().limit(10).map(String::valueOf).toList())
                + (at.size() > 10 ? " and " + (at.size() - 10) + " more" : "") + "); making those videos anyway"));
        return plan;
    }

    private VideoRequest request(BatchRows.Row r, long seed, VideoPipeline pipeline, Map<String, List<Integer>> unknown)
            throws IOException {
        List<String> words = pipeline.unknownWords(r.prompt());
        if (!words.isEmpty() && (r.strict() != null ? r.strict() : strict)) {
            throw new IllegalArgumentException("the model never saw " + (words.size() == 1 ? "the word " : "the words ")
                    + String.join(", ", words) + " (--strict)");
        }
        words.forEach(w -> unknown.computeIfAbsent(w, k -> new ArrayList<>()).add(r.row()));
        int n = r.frames() != null ? r.frames() : frames != null ? frames : pipeline.spec().frames();
        Clip still = null;
        if (r.image() != null) {
            if (n < 2) {
                throw new IllegalArgumentException("image-to-video needs at least 2 frames, the still included");
            }
            try {
                still = pipeline.source(Mode.IMAGE, r.image());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read the still " + rows.toAbsolutePath().getParent().relativize(r.image())
                        + ": " + StromCommand.oneLine(e));
            }
        }
        return new VideoRequest(still == null ? Mode.TEXT : Mode.IMAGE, r.prompt(), seed, n, sampling(r, pipeline.defaults()),
                still, null);
    }

    /** The command line's sampling with the row's own settings in their place. */
    private Sampling sampling(BatchRows.Row r, Sampling defaults) {
        boolean noDenoise = r.noDenoise() != null ? r.noDenoise() : sampling.noDenoise;
        Sampling s = defaults.withGuidance(r.cfg() != null ? r.cfg() : sampling.cfg)
                .withTemperature(r.temperature() != null ? r.temperature() : sampling.temperature)
                .withDenoise(defaults.denoise() && !noDenoise);
        SamplingOptions.Sampler sampler = r.sampler() != null ? r.sampler() : sampling.sampler;
        return sampler == SamplingOptions.Sampler.sequential ? s.withInversion(Sampling.Inversion.SEQUENTIAL) : s;
    }

    /** The row's named file (the format's extension added unless it names one), else "0007-a-red-apple-moving-left.mp4". */
    static String fileName(BatchRows.Row r, String extension) {
        if (r.name() == null) {
            String slug = r.prompt().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-|-$", "");
            if (slug.length() > SLUG) {
                // cut at a word's end
                slug = slug.charAt(SLUG) == '-' ? slug.substring(0, SLUG) : slug.substring(0, SLUG).replaceAll("-[^-]*$", "");
            }
            return String.format(Locale.ROOT, "%04d-%s.%s", r.row(), slug, extension);
        }
        String name = r.name();
        if (name.contains("/") || name.contains("\\") || name.startsWith(".") || name.isBlank()) {
            throw new IllegalArgumentException("name must be a plain file name (no folders, not hidden), got '" + name + "'");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        boolean named = lower.endsWith(".mp4") || lower.endsWith(".webm") || lower.endsWith(".gif");
        // ending in a video's extension, no name can be manifest.csv or batch.json
        return named ? name : name + "." + extension;
    }

    /**
     * Whether an earlier run finished this very row: the manifest says done for the same prompt, seed and file (and,
     * with provenance, the same watermark clip id, which stands for every setting), and the file is there. Files
     * are moved into place only once whole, so one that exists is complete.
     */
    private boolean finishedBefore(Planned p, BatchManifest manifest, BatchFolder folder) throws IOException {
        var e = manifest.get(p.row());
        if (e.isEmpty() || e.get().status() != BatchManifest.Status.done) {
            return false;
        }
        BatchManifest.Entry was = e.get();
        Path file = folder.file(p.file());
        return was.prompt().equals(p.prompt()) && was.seed().equals(Long.toString(p.seed())) && was.file().equals(p.file())
                && was.watermarkClipId().equals(clipId(p.request())) && Files.isRegularFile(file) && Files.size(file) > 0;
    }

    private String clipId(VideoRequest request) {
        return noProvenance ? "" : String.format("%08x", WatermarkPayload.clipIdOf(request.settings()));
    }

    /** Where the batch stands: the {@code index}-th of {@code count} rows to make is being made. */
    private record Progress(ProgressBar bar, int index, int count) {
        void update(int row, double fraction) {
            bar.update((index + fraction) / count, "row " + row + " (" + (index + 1) + " of " + count + ")");
        }
    }

    /**
     * Makes and delivers one row and records it; what went wrong becomes the row's error, and the batch goes on.
     * The file is staged, recorded, then put in view (see {@link BatchFolder}): a file in view is always done.
     */
    private void make(Planned p, VideoPipeline pipeline, Delivery delivery, BatchFolder folder, BatchManifest manifest,
                      Progress progress) throws IOException {
        try {
            Clip made = pipeline.make(p.request(), f -> progress.update(p.row(), f));
            Clip clip = fps == null ? made : new Clip(made.frames(), made.height(), made.width(), fps, made.rgb());
            String bits = String.format(Locale.ROOT, "%.4f", pipeline.bitsPerDim(made));
            delivery.write(clip, p.request(), folder.staging(p.file()), scale);
            manifest.put(entry(p, BatchManifest.Status.done, "", bits));
            folder.publish(p.file());
            progress.update(p.row(), 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("strom: row " + p.row() + " failed: " + StromCommand.oneLine(e));
            Files.deleteIfExists(folder.staging(p.file()));
            manifest.put(entry(p, BatchManifest.Status.failed, StromCommand.oneLine(e), ""));
        }
    }

    private BatchManifest.Entry entry(Planned p, BatchManifest.Status status, String error, String bits) {
        return new BatchManifest.Entry(p.row(), p.prompt(), Long.toString(p.seed()), p.file(), status, error, bits,
                clipId(p.request()));
    }

    private static int summary(int rows, BatchManifest manifest, BatchFolder folder) {
        Map<BatchManifest.Status, Integer> counts = new LinkedHashMap<>();
        for (BatchManifest.Status s : BatchManifest.Status.values()) {
            counts.put(s, 0);
        }
        manifest.entries().stream().filter(e -> e.row() <= rows).forEach(e -> counts.merge(e.status(), 1, Integer::sum));
        System.err.println("strom: " + rows + " rows: " + counts.get(BatchManifest.Status.done) + " done, "
                + counts.get(BatchManifest.Status.failed) + " failed, " + counts.get(BatchManifest.Status.skipped)
                + " skipped (see the manifest for why)");
        System.out.println(folder.file(BatchFolder.MANIFEST));
        return counts.get(BatchManifest.Status.done) == rows ? 0 : 1;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // on the way out anyway: the hook runs
        }
    }
}
