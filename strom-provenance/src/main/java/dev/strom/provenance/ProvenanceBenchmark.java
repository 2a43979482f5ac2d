package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.media.MediaDecoder;
import dev.strom.media.ClipWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the provenance step on given clips (generated ones, at their native size): watermark bit
 * accuracy and detection after each attack and all combined, image quality of marked against unmarked
 * files, the time marking and signing add per clip, and the false-positive rate on unmarked clips of the
 * built-in world.
 */
public final class ProvenanceBenchmark {

    private ProvenanceBenchmark() {
    }

    public static Map<String, Object> run(List<Clip> clips, int scale, ProvenanceStamp stamp, int unmarkedClips, Path work)
            throws IOException {
        Files.createDirectories(work);
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, int[]> detected = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of("none"));
        for (Attack a : Attack.values()) {
            names.add(a.name().toLowerCase(Locale.ROOT));
        }
        for (String name : names) {
            accuracy.put(name, new double[clips.size()]);
            scores.put(name, new double[clips.size()]);
            detected.put(name, new int[1]);
        }
        double psnr = 0, ssim = 0, plainSeconds = 0, markSeconds = 0, signSeconds = 0, verifySeconds = 0;
        ClipWriter.write(clips.get(0), work.resolve("warm-up.mp4"), scale); // FFmpeg's first use is slow
        List<Double> unmarkedGeneratedScores = new ArrayList<>();
        int manifestsValid = 0;
        for (int i = 0; i < clips.size(); i++) {
            Clip clip = clips.get(i);
            String settings = "benchmark clip " + i;
            Path plain = work.resolve("plain-" + i + ".mp4");
            Path marked = work.resolve("marked-" + i + ".mp4");
            long t0 = System.nanoTime();
            ClipWriter.write(clip, plain, scale);
            plainSeconds += (System.nanoTime() - t0) / 1e9;
            // time only what provenance adds: planning and drawing the watermark, then signing the file
            long[] marking = {0};
            long t1 = System.nanoTime();
            ClipWriter.FrameFilter watermark = stamp.watermark(clip, scale, settings);
            marking[0] += System.nanoTime() - t1;
            ClipWriter.write(clip, marked, scale, Map.of(), (t, image) -> {
                long s = System.nanoTime();
                watermark.apply(t, image);
                marking[0] += System.nanoTime() - s;
            });
            markSeconds += marking[0] / 1e9;
            long t2 = System.nanoTime();
            stamp.sign(marked);
            signSeconds += (System.nanoTime() - t2) / 1e9;

            long t3 = System.nanoTime();
            Verification v = Verifier.verify(marked);
            verifySeconds += (System.nanoTime() - t3) / 1e9;
            manifestsValid += v.manifest().valid() ? 1 : 0;
            WatermarkPayload payload = stamp.payload(settings);
            record(accuracy, scores, detected, "none", i, payload, v.watermark());
            unmarkedGeneratedScores.add(Watermark.detect(MediaDecoder.storedPixels(plain)).score());

            Clip decodedPlain = MediaDecoder.storedPixels(plain);
            ImageQuality q = ImageQuality.between(decodedPlain, MediaDecoder.storedPixels(marked));
            psnr += q.psnr() / clips.size();
            ssim += q.ssim() / clips.size();
            for (Attack a : Attack.values()) {
                Path attacked = work.resolve(a.name().toLowerCase(Locale.ROOT) + "-" + i + ".mp4");
                a.apply(marked, attacked);
                record(accuracy, scores, detected, a.name().toLowerCase(Locale.ROOT), i, payload,
                        Watermark.detect(MediaDecoder.storedPixels(attacked)));
            }
        }
        Map<String, Object> attacks = new LinkedHashMap<>();
        for (String name : accuracy.keySet()) {
            double[] acc = accuracy.get(name);
            double mean = 0, min = 1, score = 0, minScore = Double.MAX_VALUE;
            for (int i = 0; i < acc.length; i++) {
                mean += acc[i] / acc.length;
                min = Math.min(min, acc[i]);
                score += scores.get(name)[i] / acc.length;
                minScore = Math.min(minScore, scores.get(name)[i]);
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("mean_bit_accuracy", round(mean));
            a.put("min_bit_accuracy", round(min));
            a.put("detected", detected.get(name)[0] + "/" + clips.size());
            a.put("mean_score", round(score));
            a.put("min_score", round(minScore));
            attacks.put(name, a);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("clips", clips.size());
        report.put("stored_size", clips.get(0).width() * scale + "x" + clips.get(0).height() * scale);
        report.put("payload_bits", WatermarkPayload.BITS);
        report.put("detection_threshold", Watermark.THRESHOLD);
        report.put("attacks", attacks);
        report.put("psnr_db_marked_vs_unmarked", round(psnr));
        report.put("ssim_marked_vs_unmarked", round(ssim));
        report.put("manifests_valid", manifestsValid + "/" + clips.size());
        report.put("write_seconds_per_clip_without_provenance", round(plainSeconds / clips.size()));
        report.put("watermark_seconds_per_clip", round(markSeconds / clips.size()));
        report.put("sign_seconds_per_clip", round(signSeconds / clips.size()));
        report.put("provenance_seconds_added_per_clip", round((markSeconds + signSeconds) / clips.size()));
        report.put("verify_seconds_per_clip", round(verifySeconds / clips.size()));
        report.put("unmarked_generated_max_score", round(unmarkedGeneratedScores.stream().mapToDouble(d -> d).max().orElse(0)));
        report.put("false_positives", falsePositives(unmarkedClips, scale, work));
        return report;
    }

    /** Unmarked clips of the built-in world, written as Strom writes, run through the detector. */
    private static Map<String, Object> falsePositives(int n, int scale, Path work) throws IOException {
        CaptionedWorld world = new CaptionedWorld(32, 16, 8, 0);
        int positives = 0;
        double maxScore = 0;
        Path file = work.resolve("unmarked.mp4");
        for (int i = 0; i < n; i++) {
            ClipWriter.write(world.render(world.trainingScene(500_000 + i)), file, scale);
            WatermarkDetection d = Watermark.detect(MediaDecoder.storedPixels(file));
            positives += d.detected() ? 1 : 0;
            maxScore = Math.max(maxScore, d.score());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unmarked_clips", n);
        out.put("detected", positives);
        out.put("rate", round(positives / (double) n));
        out.put("max_score", round(maxScore));
        return out;
    }

    private static void record(Map<String, double[]> accuracy, Map<String, double[]> scores, Map<String, int[]> detected,
                               String name, int i, WatermarkPayload payload, WatermarkDetection d) {
        accuracy.get(name)[i] = payload.agreement(d.payload());
        scores.get(name)[i] = d.score();
        detected.get(name)[0] += d.detected() ? 1 : 0;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
