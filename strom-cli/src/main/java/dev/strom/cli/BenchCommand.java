package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strom.eval.bench.BatchBenchmark;
import dev.strom.eval.bench.EngineBenchmark;
import dev.strom.eval.bench.GenerationBenchmark;
import dev.strom.pipeline.VideoPipeline;
import picocli.CommandLine.Mixin;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.strom.data.AtomicFiles;
import dev.strom.eval.BarChart;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures engine speed on this machine and prints JSON: matmul GFLOP/s, training "
                + "step time, tokens/s and MFU, sequential vs Jacobi sampling time, peak RSS.")
final class BenchCommand implements Callable<Integer> {

    /** Batch sizes of the stacked inverse pass the batch figure compares with. */
    private static final List<Integer> BATCH_SIZES = List.of(1, 2, 4, 8);

    @Option(names = "--frames", defaultValue = "8", description = "frames per clip (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--batch", defaultValue = "4", description = "training batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "5", description = "timed training steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--jacobi-block", defaultValue = "16", description = "Jacobi chunk size (default ${DEFAULT-VALUE})")
    int jacobiBlock;

    @Option(names = "--jacobi-threshold", defaultValue = "0.001", description = "Jacobi threshold (default ${DEFAULT-VALUE})")
    double jacobiThreshold;

    @Option(names = {"-o", "--out"}, description = "also write the JSON to this file")
    Path out;

    @Option(names = "--html", paramLabel = "FILE", description = "also write an HTML report")
    Path html;

    @Option(names = "--lengths", split = ",", defaultValue = "8,16,32,64",
            description = "clip lengths for the generation scaling run (default ${DEFAULT-VALUE})")
    List<Integer> lengths;

    @Option(names = "--no-model", description = "skip the generation benchmark with the model")
    boolean noModel;

    @Option(names = "--provenance", description = "measure the provenance step instead, on clips the model generates: "
            + "watermark bit accuracy per attack and combined, false positives on unmarked clips, PSNR/SSIM, time added per clip")
    boolean provenance;

    @Option(names = "--provenance-clips", defaultValue = "8", description = "generated clips for --provenance (default ${DEFAULT-VALUE})")
    int provenanceClips;

    @Option(names = "--batch-only", description = "measure only clips per minute of strom batch (one clip per sampler call) "
            + "beside the flow's inverse pass over 1, 2, 4 and 8 stacked clips")
    boolean batchOnly;

    @Option(names = "--batch-clips", defaultValue = "8", description = "clips timed for each clips-per-minute figure (default ${DEFAULT-VALUE})")
    int batchClips;

    @Option(names = "--unmarked", defaultValue = "200", description = "unmarked clips for the false-positive rate (default ${DEFAULT-VALUE})")
    int unmarked;

    @Mixin
    ModelOption model;

    @Mixin
    SigningOption signing;

    @Override
    public Integer call() throws Exception {
        if (batchClips < BATCH_SIZES.get(BATCH_SIZES.size() - 1)) {
            throw new IllegalArgumentException("--batch-clips must be at least " + BATCH_SIZES.get(BATCH_SIZES.size() - 1));
        }
        if (frames <= 0 || batch <= 0 || steps <= 0 || jacobiBlock <= 0) {
            throw new IllegalArgumentException("--frames, --batch, --steps and --jacobi-block must be positive");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os_arch", System.getProperty("os.arch")));
        try (NDManager manager = NDManager.newBaseManager()) {
            if (provenance) {
                report.put("provenance", ProvenanceBench.run(model, signing, provenanceClips, unmarked));
            } else if (batchOnly) {
                try (VideoPipeline pipeline = model.open()) {
                    report.put("batch", BatchBenchmark.run(pipeline.model(), batchClips, BATCH_SIZES));
                }
            } else {
            report.put("engine", EngineBenchmark.run(manager, EngineBenchmark.benchConfig(), frames, batch, steps,
                    jacobiBlock, jacobiThreshold));
            if (!noModel) {
                try (VideoPipeline pipeline = model.open()) {
                    Map<String, Object> gen = new LinkedHashMap<>();
                    gen.put("model", model.resolve().toString());
                    gen.putAll(GenerationBenchmark.run(pipeline.model(), lengths, 3f));
                    report.put("generation", gen);
                    report.put("batch", BatchBenchmark.run(pipeline.model(), batchClips, BATCH_SIZES));
                }
            }
            }
        }
        report.put("peak_rss_mib", PeakRss.mebibytes());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
        System.out.println(json);
        if (out != null) {
            AtomicFiles.writeString(out, json + "\n");
        }
        if (html != null && !provenance && !batchOnly) {
            Map<String, Double> times = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> engine = (Map<String, Object>) report.get("engine");
            times.put("engine: sequential sample", ((Number) engine.get("sample_sequential_seconds")).doubleValue());
            times.put("engine: Jacobi sample", ((Number) engine.get("sample_jacobi_seconds")).doubleValue());
            times.put("engine: training step", ((Number) engine.get("train_step_seconds")).doubleValue());
            @SuppressWarnings("unchecked")
            Map<String, Object> gen = (Map<String, Object>) report.get("generation");
            if (gen != null) {
                times.put("model: sequential clip", ((Number) gen.get("sequential_seconds")).doubleValue());
                times.put("model: Jacobi clip", ((Number) gen.get("jacobi_seconds")).doubleValue());
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> byFrames = (Map<String, Map<String, Object>>) gen.get("jacobi_by_frames");
                byFrames.forEach((k, v) -> times.put("model: Jacobi " + k + " frames", ((Number) v.get("seconds")).doubleValue()));
            }
            byte[] png = BarChart.png("Seconds (lower is better)", times, "s");
            Path chart = html.toAbsolutePath().resolveSibling(html.getFileName().toString().replaceAll("\\.html?$", "") + ".png");
            AtomicFiles.write(chart, o -> o.write(png));
            AtomicFiles.writeString(html, "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
                    + "<title>Strom bench</title><h1>Strom bench</h1><img src=\"" + chart.getFileName() + "\" alt=\"timings\">"
                    + "<pre>" + json.replace("&", "&amp;").replace("<", "&lt;") + "</pre></html>\n");
        }
        return 0;
    }
}
