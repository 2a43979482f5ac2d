package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strom.data.AtomicFiles;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.WorldDataset;
import dev.strom.eval.CaptionChoice;
import dev.strom.eval.Dynamics;
import dev.strom.eval.Evaluation;
import dev.strom.eval.TemporalQuality;
import dev.strom.eval.Probe;
import dev.strom.eval.Reconstruction;
import dev.strom.media.ClipWriter;
import dev.strom.media.ContactSheet;
import dev.strom.data.Clip;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Scene;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.strom.eval.BarChart;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measures a model on the built-in world's held-out triples; writes report.json and index.html.",
                "bits/dim beside lossless codecs on the same clips, and prompt adherence of generated clips as read by "
                        + "a probe classifier trained on ground truth (English and German apart, with the probe's ceiling)."})
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "report", description = "report directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--samples", defaultValue = "1", description = "generated clips per held-out triple and language (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--probe-steps", defaultValue = "" + Probe.EVAL_STEPS, description = "probe training steps (default ${DEFAULT-VALUE})")
    int probeSteps;

    @Option(names = "--edits", defaultValue = "24", description = "clips to edit for the editing figures, 0 to skip (default ${DEFAULT-VALUE})")
    int edits;

    @Option(names = "--cfg", description = "guidance for generated clips (default: the model's, else 3.0)")
    Float cfg;

    @Option(names = "--dynamics-only", description = "measure only how things move (the dynamics section; a few minutes)")
    boolean dynamicsOnly;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        if (samples <= 0 || probeSteps <= 0 || edits < 0) {
            throw new IllegalArgumentException("--samples and --probe-steps must be positive, --edits not negative");
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        Map<String, Object> report = new LinkedHashMap<>();
        // the process's peak resident memory after each part, so a part that holds native memory shows itself
        Map<String, Long> memory = new LinkedHashMap<>();
        report.put("peak_rss_mib_after", memory);
        try (VideoPipeline pipeline = model.open(); NDManager manager = NDManager.newBaseManager()) {
            VideoModel video = pipeline.model();
            Sampling sampling = pipeline.defaults().withGuidance(cfg);
            var spec = video.spec();
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            WorldDataset data = new WorldDataset(world, 4242);
            report.put("model", model.resolve().toString());
            if (video.autoencoder().isPresent()) {
                report.put("autoencoder", autoencoder(video, data, manager, out));
                memory.put("autoencoder", peakRss());
            }
            if (dynamicsOnly) {
                List<Evaluation.Generated> gen = Evaluation.generate(pipeline, world, 1, 1000, sampling, msg -> { });
                report.put("dynamics", dynamics(pipeline, world, data, sampling, gen));
                memory.put("dynamics", peakRss());
                // the one temporal figure that needs no probe: how much still backgrounds flicker
                report.put("temporal_generated", Map.of("flicker_static_regions",
                        gen.stream().mapToDouble(g -> TemporalQuality.flicker(g.clip())).average().orElse(Double.NaN)));
                report.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
                String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
                AtomicFiles.writeString(out.resolve("report.json"), json + "\n");
                System.out.println(json);
                return 0;
            }
            Path scratch = Files.createTempDirectory("strom-eval");
            System.err.println("eval: compression on held-out clips");
            report.put("bits_per_dim", Evaluation.compression(video, data, samples, scratch));
            memory.put("bits_per_dim", peakRss());
            System.err.println("eval: training the probe on ground truth");
            try (Probe probe = Probe.train(manager, world, probeSteps, 32, 1)) {
                report.put("probe_on_real_heldout", Evaluation.ceiling(probe, data, 2));
                memory.put("probe", peakRss());
                ProgressBar bar = new ProgressBar("eval");
                int total = 2 * CaptionedWorld.HELD_OUT.size() * samples;
                int[] n = {0};
                List<Evaluation.Generated> gen = Evaluation.adherence(pipeline, probe, world, samples, sampling,
                        msg -> bar.update((double) ++n[0] / total, msg.length() > 60 ? msg.substring(0, 60) : msg));
                bar.finish(null);
                for (boolean german : new boolean[]{false, true}) {
                    List<Evaluation.Generated> g = gen.stream().filter(x -> x.german() == german).toList();
                    report.put(german ? "adherence_german" : "adherence_english", Evaluation.accuracy(
                            g.stream().map(Evaluation.Generated::asked).toList(),
                            g.stream().map(Evaluation.Generated::verdict).toList()));
                }
                List<Clip> genClips = gen.stream().map(Evaluation.Generated::clip).toList();
                List<Scene.Combo> asked = gen.stream().map(Evaluation.Generated::asked).toList();
                report.put("temporal_generated", Evaluation.temporal(probe, genClips, asked));
                memory.put("adherence", peakRss());
                System.err.println("eval: dynamics");
                report.put("dynamics", dynamics(pipeline, world, data, sampling, gen));
                memory.put("dynamics", peakRss());
                List<WorldDataset.Sample> real = data.heldOut(false, 2);
                report.put("temporal_real", Evaluation.temporal(probe, real.stream().map(WorldDataset.Sample::clip).toList(),
                        real.stream().map(x -> x.scene().combo()).toList()));
                if (edits > 0) {
                    var pairs = new EditPairs(world, 4242);
                    report.put("editing", counted("edit", edits, step -> Evaluation.editing(pipeline, probe, pairs, edits,
                            sampling, step)));
                    report.put("remix", counted("remix", edits, step -> Evaluation.remixing(pipeline, probe, pairs, edits,
                            sampling, step)));
                    memory.put("editing_and_remix", peakRss());
                }
                System.err.println("eval: caption choice by likelihood");
                report.put("caption_choice", CaptionChoice.measure(video, data, new EditPairs(world, 4242), edits,
                        CaptionChoice.DRAWS));
                memory.put("caption_choice", peakRss());
                report.put("frechet_probe_features", Evaluation.frechet(probe, data, new WorldDataset(world, 777), genClips, 4));
                memory.put("frechet", peakRss());
                StringBuilder rows = new StringBuilder();
                for (int i = 0; i < gen.size(); i++) {
                    Evaluation.Generated g = gen.get(i);
                    String name = String.format(Locale.ROOT, "clip-%02d", i);
                    ClipWriter.write(g.clip(), out.resolve(name + ".gif"), 4);
                    ContactSheet.write(g.clip(), out.resolve(name + ".png"), 2);
                    rows.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s / %s / %s</td><td><img src=\"%s.gif\" alt=\"%s\"></td></tr>%n",
                            html(g.prompt()), g.asked(), g.verdict().thing().english(), g.verdict().motion().english(),
                            g.verdict().background().english(), name, html(g.prompt())));
                }
                report.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
                String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
                AtomicFiles.writeString(out.resolve("report.json"), json + "\n");
                writeChart(out.resolve("bits_per_dim.png"), "Bits per dimension on held-out clips (lower is better)",
                        report.get("bits_per_dim"), "bits/dim");
                Map<String, Double> adherence = new LinkedHashMap<>();
                for (String set : new String[]{"adherence_english", "adherence_german", "probe_on_real_heldout"}) {
                    @SuppressWarnings("unchecked")
                    Map<String, Double> a = (Map<String, Double>) report.get(set);
                    for (String k : new String[]{"object", "motion", "background", "all_correct"}) {
                        adherence.put(set.replace("adherence_", "").replace("probe_on_real_heldout", "real (ceiling)") + " " + k, a.get(k));
                    }
                }
                writeChart(out.resolve("adherence.png"), "Probe accuracy: generated (English, German) vs real", adherence, "");
                AtomicFiles.writeString(out.resolve("index.html"), page(json, rows.toString()));
                System.out.println(json);
            }
        }
        return 0;
    }

    private static long peakRss() {
        return Math.round(PeakRss.mebibytes());
    }

    /**
     * How things move: the density's next-frame preferences, one-step and 8-frame continuations of real clips,
     * whether generated objects stay in the picture, tracked direction at two seeds ({@code seed1000}, the
     * clips made from seed 1000 on, and the same prompts again from 1001), and whether long videos keep their objects.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> dynamics(VideoPipeline pipeline, CaptionedWorld world, WorldDataset data,
                                                Sampling sampling, List<Evaluation.Generated> seed1000) {
        Map<String, Object> d = new LinkedHashMap<>();
        List<WorldDataset.Sample> held = data.heldOut(false, 1);
        d.put("next_frame", Dynamics.nextFrame(pipeline.model(), world, held));
        d.put("continuation", Dynamics.continuation(pipeline, held, sampling));
        List<Evaluation.Generated> seed1001 = Evaluation.generate(pipeline, world, 1, 1001, sampling, msg -> { });
        d.put("object_visible_share", Dynamics.objectVisibleShare(seed1000.stream().map(Evaluation.Generated::clip).toList(),
                seed1000.stream().map(Evaluation.Generated::asked).toList()));
        d.put("object_visible_share_real", Dynamics.objectVisibleShare(held.stream().map(WorldDataset.Sample::clip).toList(),
                held.stream().map(s -> s.scene().combo()).toList()));
        d.put("tracked_seed_1000", Dynamics.tracked(seed1000));
        d.put("tracked_seed_1001", Dynamics.tracked(seed1001));
        d.put("long_videos", Dynamics.longVideos(pipeline, world, sampling));
        return d;
    }

    /**
     * A latent model's autoencoder on held-out clips ({@link Reconstruction}), and reconstruction.png: the first
     * clip's frames, then the same frames decoded from their latents, then from their latents under the flow's noise.
     */
    private static Map<String, Double> autoencoder(VideoModel video, WorldDataset data, NDManager manager, Path out)
            throws IOException {
        List<Clip> held = data.heldOut(false, 1).stream().map(WorldDataset.Sample::clip).toList();
        Clip first = held.get(0);
        Clip[] made = Reconstruction.reconstruct(video.autoencoder().orElseThrow(), first, video.flow().config().noiseStd(),
                new java.util.Random(17), manager);
        byte[] rgb = new byte[3 * first.rgb().length];
        System.arraycopy(first.rgb(), 0, rgb, 0, first.rgb().length);
        System.arraycopy(made[0].rgb(), 0, rgb, first.rgb().length, first.rgb().length);
        System.arraycopy(made[1].rgb(), 0, rgb, 2 * first.rgb().length, first.rgb().length);
        ContactSheet.write(new Clip(3 * first.frames(), first.height(), first.width(), first.fps(), rgb),
                out.resolve("reconstruction.png"), 4);
        return Reconstruction.measure(video, held, manager);
    }

    private static void writeChart(Path file, String title, Object bars, String unit) throws IOException {
        byte[] png = BarChart.png(title, (Map<String, Double>) bars, unit);
        AtomicFiles.write(file, o -> o.write(png));
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String page(String json, String rows) {
        return "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Strom evaluation</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px}table{border-collapse:collapse}</style>"
                + "<h1>Strom evaluation</h1><img src=\"bits_per_dim.png\" alt=\"bits per dimension\"><br>"
                + "<img src=\"adherence.png\" alt=\"prompt adherence\"><h2>Figures</h2><pre>" + html(json) + "</pre>"
                + "<h2>Generated clips (held-out triples)</h2><table><tr><th>prompt</th><th>asked</th><th>probe saw</th><th>clip</th></tr>"
                + rows + "</table></html>\n";
    }

    /** Runs a measurement of {@code total} steps behind a progress bar; it reports each step with a message. */
    private static <T> T counted(String name, int total, Function<Consumer<String>, T> measure) {
        ProgressBar bar = new ProgressBar(name);
        int[] done = {0};
        T result = measure.apply(msg -> bar.update((double) ++done[0] / total, msg.length() > 60 ? msg.substring(0, 60) : msg));
        bar.finish(null);
        return result;
    }
}
