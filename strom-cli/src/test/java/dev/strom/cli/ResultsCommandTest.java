package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.regex.Pattern;

/**
 * `strom results` writes the whole results page from strom eval's report.json and strom bench's JSON, and of the
 * README only the headline table between its results markers, so that no result in either is typed by hand.
 */
class ResultsCommandTest {

    private static final String EVAL = """
            {
              "model": "/some/machine/models/world-32",
              "bits_per_dim": {"strom_conditional": 5.0979, "strom_unconditional": 5.1059, "ffv1": 1.1425, "png": 0.8716},
              "probe_on_real_heldout": {"object": 0.95, "motion": 0.85, "background": 1.0, "all_correct": 0.8, "clips": 20},
              "adherence_english": {"object": 0.8, "motion": 0.2, "background": 0.9, "all_correct": 0.1, "clips": 10},
              "adherence_german": {"object": 0.7, "motion": 0.1, "background": 0.9, "all_correct": 0.1, "clips": 10},
              "temporal_generated": {"object_consistency": 0.87, "flicker_static_regions": 0.8532, "motion_correct": 0.5,
                                     "directional_clips": 18},
              "temporal_real": {"object_consistency": 0.91, "flicker_static_regions": 0.0234, "motion_correct": 1.0,
                                "directional_clips": 18},
              "editing": {"all_changed_as_asked": 0.5, "all_changed_as_asked_by_pixels": 0.5, "all_other_attribute_kept": 0.625,
                          "all_other_attribute_kept_by_pixels": 0.6667, "all_whole_edit_right_by_pixels": 0.3333333333333333,
                          "all_motion_kept": 0.0833, "all_object_seen_share": 0.7969, "all_object_centre_offset_px": 6.03,
                          "all_clips": 24},
              "remix": {"all_changed_as_asked": 0.75, "all_changed_as_asked_by_pixels": 0.9583, "all_other_attribute_kept": 0.875,
                        "all_other_attribute_kept_by_pixels": 1.0, "all_whole_edit_right_by_pixels": 0.9583333333333334,
                        "all_motion_kept": 0.125, "all_object_seen_share": 0.8411, "all_object_centre_offset_px": 3.94,
                        "all_clips": 24},
              "caption_choice": {"motion_from_opening": 0.75, "motion_from_opening_chance": 0.1111,
                                 "object_from_opening": 1.0, "object_from_opening_chance": 0.1339,
                                 "background_from_opening": 1.0, "background_from_opening_chance": 0.1749,
                                 "openings": 24, "draws": 4},
              "frechet_probe_features": {"generated_vs_real": 4451.206, "real_vs_real_floor": 162.84},
              "seconds": 915
            }
            """;

    private static final String BENCH = """
            {
              "machine": {"os_arch": "amd64", "cores": 2},
              "engine": {"matmul_fp32_gflops": 145.8149, "config": {"batch": 4, "tokens_per_clip": 512},
                         "train_step_seconds": 0.7289, "train_tokens_per_second": 2809.6855, "train_mfu": 0.3513,
                         "sample_sequential_seconds": 3.2889, "sample_jacobi_seconds": 0.6594, "jacobi_mean_iterations": 3.35},
              "generation": {"clip_frames": 16, "sequential_seconds": 5.9027, "jacobi_seconds": 1.7446,
                             "jacobi_mean_iterations": 5.6786,
                             "jacobi_by_frames": {"16": {"seconds": 1.7266, "seconds_per_frame": 0.1079}},
                             "long_video": {"ratio_4x_to_1x": 1.1647, "seconds_per_frame_1x": 0.1042, "seconds_per_frame_4x": 0.1214}},
              "peak_rss_mib": 1419.8
            }
            """;

    private static final String BEFORE = "# Project\n\nWords above the table.\n\n";
    private static final String AFTER = "\n\n## Limitations\n\nWords below the table.\n";

    @TempDir
    Path dir;

    private Path eval;
    private Path bench;
    private Path page;
    private Path readme;

    @BeforeEach
    void repository() throws IOException {
        eval = Files.createDirectories(dir.resolve("docs/report")).resolve("report.json");
        Files.writeString(eval, EVAL);
        bench = dir.resolve("docs/bench.json");
        Files.writeString(bench, BENCH);
        page = dir.resolve("docs/results.md");
        readme = dir.resolve("README.md");
        Files.writeString(readme, BEFORE + ResultsCommand.BEGIN + "\n| an old table | typed by hand |\n" + ResultsCommand.END + AFTER);
    }

    private Cli results() {
        Cli r = Cli.run("results", "--eval", eval.toString(), "--bench", bench.toString(), "--out", page.toString(),
                "--readme", readme.toString());
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    /** The README's part between the markers, markers excluded. */
    private String table() throws IOException {
        String text = Files.readString(readme);
        return text.substring(text.indexOf(ResultsCommand.BEGIN) + ResultsCommand.BEGIN.length(), text.indexOf(ResultsCommand.END));
    }

    @Test
    void theReadmeChangesOnlyBetweenItsMarkers() throws IOException {
        results();
        String text = Files.readString(readme);
        assertTrue(text.startsWith(BEFORE + ResultsCommand.BEGIN + "\n"), text);
        assertTrue(text.endsWith(ResultsCommand.END + AFTER), text);
        assertFalse(text.contains("typed by hand"), text);
        assertTrue(table().contains("| exact likelihood, bits per dimension given the prompt (lower is better) | 5.098 "
                + "| lossless codecs: ffv1 1.143, png 0.872 |"), table());
    }

    @Test
    void theHeadlineTableGivesSharesOfClipsAsCounts() throws IOException {
        results();
        String t = table();
        assertTrue(t.contains("| the named object, read by the probe (English / German) | 0.80 / 0.70 | probe on real clips 0.95 |"), t);
        assertTrue(t.contains("| 9 of 18 | real clips 18 of 18 |"), t);
        assertTrue(t.contains("| `strom edit`: asked change made and the rest kept, by pixels | 8 of 24 | `strom remix` of the same clips 23 of 24 |"), t);
        assertTrue(t.contains("| 0.75 / 1.00 / 1.00 | chance 0.11 / 0.13 / 0.17 |"), t);
        assertTrue(t.contains("| seconds for one 16-frame clip (2 CPU cores), Jacobi / sequential | 1.7446 / 5.9027 | |"), t);
        assertTrue(t.contains("| peak memory of `strom bench` (making clips), MiB | 1420 | |"), t);
    }

    @Test
    void aReportWithADynamicsSectionGetsItsRowsAndItsSection() throws IOException {
        ObjectNode report = (ObjectNode) new ObjectMapper().readTree(EVAL);
        ObjectNode d = report.putObject("dynamics");
        ObjectNode nf = d.putObject("next_frame");
        for (int t : new int[]{4, 8, 12}) {
            nf.put("held_minus_true_bits_at_" + t, -1.5 * t).put("back_minus_true_bits_at_" + t, 2.0)
                    .put("double_step_minus_true_bits_at_" + t, 3.0).put("removed_minus_true_bits_at_" + t, -150.0)
                    .put("truth_wins_at_" + t, 0.25);
        }
        nf.put("clips", 12);
        d.putObject("continuation").put("given_frames", 8).put("one_step_px", 0.52).put("real_one_step_px", 1.02)
                .put("continued_px", 0.75).put("real_continued_px", 8.15).put("clips", 7);
        d.put("object_visible_share", 0.95).put("object_visible_share_real", 1.0);
        d.putObject("tracked_seed_1000").put("right", 9).put("of", 18).put("up_down_right", 1).put("up_down_of", 8)
                .put("grow_shrink_right", 3).put("grow_shrink_of", 4).put("english_right", 5).put("german_right", 4)
                .put("moved_whole_right", 5).put("moved_whole_of", 14).put("size_kept", 11).put("size_kept_of", 20);
        d.putObject("long_videos").put("frames", 64).put("clips", 7).put("swelled", 2).put("left_the_picture", 5).put("painted_back", 3);
        Files.writeString(eval, report.toString());
        results();
        String t = table();
        assertTrue(t.contains("(positive: the model prefers the motion) | -12.0 | the truth most likely in 25 % of clips |"), t);
        assertTrue(t.contains("| 8 frames continued from 8 real ones move the object | 0.8 px | the real clips 8.2 px |"), t);
        String p = Files.readString(page);
        assertTrue(p.contains("## Dynamics"), p);
        assertTrue(p.contains("| 8 | -12.0 | 2.0 | 3.0 | -150.0 | 0.25 |"), p);
        assertTrue(p.contains("| 1000 | 9 of 18 | 1 of 8 | 3 of 4 | 5 | 4 | 5 of 14 | 11 of 20 |"), p);
        assertTrue(p.contains("Long videos: 64 frames from each of the 7 held-out prompts that name a direction (English, seed 1000). "
                + "The object swelled past three times its opening size in 2; it left the picture in 5, and something was painted "
                + "back after it left in 3."), p);
        assertFalse(p.contains("| 1001 |"), "a seed the report lacks has no row: " + p);
    }

    @Test
    void theEvaluationsOwnPeakMemoryIsTheLargestOfItsParts() throws IOException {
        ObjectNode report = (ObjectNode) new ObjectMapper().readTree(EVAL);
        report.putObject("peak_rss_mib_after").put("bits_per_dim", 942).put("caption_choice", 2155).put("frechet", 2155);
        Files.writeString(eval, report.toString());
        results();
        assertTrue(table().contains("| peak memory of `strom eval`, MiB | 2155 | |"), table());
    }

    @Test
    void theHeadlineTableLinksThePageFromTheReadmesFolder() throws IOException {
        results();
        assertTrue(table().contains("[docs/results.md](docs/results.md)"), table());
    }

    @Test
    void thePageHoldsTheFiguresOfBothFilesAndHowToReproduceThem() throws IOException {
        results();
        String p = Files.readString(page);
        assertTrue(p.startsWith("# Results\n"), p);
        assertTrue(p.contains("`world-32`"), "the model by its folder's name, not a path of the machine that ran eval: " + p);
        assertFalse(p.contains("/some/machine"), p);
        for (String figure : new String[]{
                "| strom conditional | 5.098 |", "| png | 0.872 |",
                "| adherence german | 0.70 | 0.10 | 0.90 | 0.10 | 10 |", "| probe on real heldout | 0.95 | 0.85 | 1.00 | 0.80 | 20 |",
                "10 clips per language, so one clip is 0.10",
                "| motion correct | 0.500 | 1.000 |", "| flicker static regions | 0.853 | 0.023 |", "| directional clips | 18 | 18 |",
                "| all | 0.50 / 0.50 | 0.63 / 0.67 | 0.33 | 0.08 | 0.80 | 6.0 px | 24 |",
                "| all | 0.75 / 0.96 | 0.88 / 1.00 | 0.96 | 0.13 | 0.84 | 3.9 px | 24 |",
                "| motion from opening | 0.75 | 0.11 | 24 |", "over 4 noise draws",
                "generated vs real 4451.21; real vs other real clips, the floor, 162.84",
                "| model: Jacobi, same clip, s | 1.745 |", "| model: Jacobi 16 frames, s (s/frame) | 1.7266 (0.1079) |",
                "| model: long video, s/frame at 1x / 4x the training length (ratio) | 0.1042 / 0.1214 (1.1647) |",
                "| peak RSS MiB | 1420 |"}) {
            assertTrue(p.contains(figure), "'" + figure + "' in:\n" + p);
        }
        assertTrue(p.contains("./strom eval --out docs/report "), p);
        assertTrue(p.contains("# 915 s here"), p);
        assertTrue(p.contains("./strom bench -o docs/bench.json\n"), p);
        assertTrue(p.contains("./strom results --eval docs/report/report.json --bench docs/bench.json\n"),
                "the default page needs no --out: " + p);
    }

    @Test
    void aPageElsewhereIsNamedInTheReproduceCommand() throws IOException {
        page = dir.resolve("elsewhere.md");
        results();
        assertTrue(Files.readString(page).contains("--bench docs/bench.json --out elsewhere.md\n"));
        assertTrue(table().contains("[elsewhere.md](elsewhere.md)"), table());
    }

    @Test
    void thePageIsWrittenWholeAndARunAgainChangesNothing() throws IOException {
        Files.writeString(page, "# Results\n\nA note typed by hand.\n");
        results();
        String firstPage = Files.readString(page);
        String firstReadme = Files.readString(readme);
        assertFalse(firstPage.contains("typed by hand"), firstPage);
        results();
        assertEquals(firstPage, Files.readString(page));
        assertEquals(firstReadme, Files.readString(readme));
        assertEquals(1, firstReadme.split(Pattern.quote(ResultsCommand.BEGIN), -1).length - 1, firstReadme);
    }

    @Test
    void picturesBesideTheReportAreLinkedFromThePage() throws IOException {
        Files.write(eval.resolveSibling("bits_per_dim.png"), new byte[]{1});
        Files.writeString(eval.resolveSibling("index.html"), "<html></html>");
        results();
        String p = Files.readString(page);
        assertTrue(p.contains("![bits per dimension](report/bits_per_dim.png)"), p);
        assertTrue(p.contains("[report/index.html](report/index.html)"), p);
        assertFalse(p.contains("adherence.png"), "no link to a picture that is not there: " + p);
    }

    @Test
    void aPartMissingFromTheInputsLeavesItsRowsOut() throws IOException {
        Files.writeString(eval, EVAL.replaceAll("(?s)\"editing\".*?},\\s*\"remix\".*?},", ""));
        Files.writeString(bench, BENCH.replaceAll("(?s)\"generation\".*?(?=\"peak_rss_mib\")", ""));
        results();
        String p = Files.readString(page);
        assertTrue(p.contains("## Caption choice"), p);
        assertFalse(p.contains("## Editing") || p.contains("## Remix"), p);
        assertTrue(p.contains("| engine config: Jacobi sample s | 0.6594 |"), p);
        assertFalse(p.contains("model:"), p);
        assertFalse(table().contains("strom edit") || table().contains("seconds for one"), table());
    }

    @Test
    void aReadmeWithoutMarkersIsRefusedAndNothingIsWritten() throws IOException {
        Files.writeString(readme, BEFORE + AFTER);
        Cli r = Cli.run("results", "--eval", eval.toString(), "--bench", bench.toString(), "--out", page.toString(),
                "--readme", readme.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.errorLines().contains("results markers"), r.err());
        assertFalse(Files.exists(page));
        assertEquals(BEFORE + AFTER, Files.readString(readme));
    }

    /** The repository's own results page and README table are what the command makes of the committed eval and bench JSON. */
    @Test
    void theCommittedResultsAreWhatTheCommandWrites() throws IOException {
        Path home = Path.of(System.getProperty("strom.home", "..")).toAbsolutePath().normalize();
        Path copy = Files.createDirectories(dir.resolve("copy/docs/report"));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(home.resolve("docs/report"))) {
            for (Path f : files) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path root = dir.resolve("copy");
        Files.copy(home.resolve("docs/bench.json"), root.resolve("docs/bench.json"));
        Files.copy(home.resolve("README.md"), root.resolve("README.md"));
        Cli r = Cli.run("results", "--eval", root.resolve("docs/report/report.json").toString(),
                "--bench", root.resolve("docs/bench.json").toString(), "--out", root.resolve("docs/results.md").toString(),
                "--readme", root.resolve("README.md").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(Files.readString(home.resolve("docs/results.md")), Files.readString(root.resolve("docs/results.md")),
                "docs/results.md: run strom results --eval docs/report/report.json --bench docs/bench.json");
        assertEquals(Files.readString(home.resolve("README.md")), Files.readString(root.resolve("README.md")),
                "README.md's results table: run strom results --eval docs/report/report.json --bench docs/bench.json");
    }
}
