package dev.strom.cli;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** strom batch: one video per spreadsheet row, bad rows listed and passed over, a stopped batch resumed. */
class BatchCommandTest {

    static final String TEMPLATE = "a {colour} {object} moving {direction} on a {background} background";

    @TempDir
    Path dir;

    /** A CSV of {@code n} world rows; row {@code bad} (1-based, 0 for none) has no object. */
    private Path csv(int n, int bad) throws IOException {
        String[][] picks = {{"red", "apple"}, {"yellow", "star"}, {"pink", "heart"}, {"orange", "fish"}, {"green", "tree"}};
        String[] directions = {"left", "right", "up", "down"};
        String[] backgrounds = {"blue", "green", "black", "white"};
        StringBuilder s = new StringBuilder("colour,object,direction,background\n");
        for (int i = 1; i <= n; i++) {
            String[] p = picks[i % picks.length];
            s.append(p[0]).append(',').append(i == bad ? "" : p[1]).append(',').append(directions[i % 4]).append(',')
                    .append(backgrounds[(i / 4) % 4]).append('\n');
        }
        Path file = dir.resolve("rows.csv");
        Files.writeString(file, s);
        return file;
    }

    static List<Map<String, String>> manifest(Path out) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(out.resolve("manifest.csv").toFile())) {
            return it.readAll();
        }
    }

    private static List<Path> visibleFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static List<String> hiddenFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".") && !f.equals(".batch.lock")).toList();
        }
    }

    @Test
    void aTenRowCsvWithABadRowMakesTheOtherNineAndListsTheBadOne() throws Exception {
        Path out = dir.resolve("out");
        Cli r = Cli.run("batch", csv(10, 4).toString(), "--template", TEMPLATE, "--out", out.toString(),
                "--frames", "2", "--scale", "1", "--seed", "100");
        assertEquals(1, r.exit(), "not every row is done: " + r.err());
        assertTrue(r.err().contains("strom: 10 rows: 9 done, 0 failed, 1 skipped"), r.err());
        List<Map<String, String>> m = manifest(out);
        assertEquals(List.of("row", "prompt", "seed", "file", "status", "error", "bits_per_dim", "watermark_clip_id"),
                new ArrayList<>(m.get(0).keySet()), "the manifest's columns");
        assertEquals(10, m.size());
        for (Map<String, String> e : m) {
            int row = Integer.parseInt(e.get("row"));
            assertEquals(Long.toString(100 + row - 1), e.get("seed"), "seed derived from --seed and the row number");
            if (row == 4) {
                assertEquals("skipped", e.get("status"));
                assertEquals("field 'object' is empty", e.get("error"));
                assertEquals("", e.get("file"));
                continue;
            }
            assertEquals("done", e.get("status"), e.toString());
            assertEquals("", e.get("error"));
            assertTrue(e.get("prompt").matches("a \\w+ \\w+ moving \\w+ on a \\w+ background"), e.get("prompt"));
            assertTrue(e.get("watermark_clip_id").matches("[0-9a-f]{8}"), e.toString());
            double bits = Double.parseDouble(e.get("bits_per_dim"));
            assertTrue(bits > 0 && bits < 16, "bits/dim of an 8-bit clip: " + bits);
            assertTrue(Files.size(out.resolve(e.get("file"))) > 0, e.get("file"));
        }
        assertEquals("0001-a-yellow-star-moving-right-on-a-blue-background.mp4", m.get(0).get("file"));
        assertEquals(11, visibleFiles(out).size(), "9 videos, manifest.csv and batch.json: " + visibleFiles(out));
        assertEquals(List.of(), hiddenFiles(out), "no temporaries left");
    }

    @Test
    void aBatchRowIsTheClipGenerateMakesWithTheSameSeed() throws Exception {
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "prompt,seed,name\n\"a pink heart spinning on a gray background\",42,heart\n");
        Path out = dir.resolve("out");
        Cli batch = Cli.run("batch", rows.toString(), "--out", out.toString(), "--format", "gif", "--frames", "2", "--scale", "1");
        assertEquals(0, batch.exit(), batch.err());
        Path alone = dir.resolve("alone.gif");
        Cli gen = Cli.run("generate", "a pink heart spinning on a gray background", "--seed", "42", "--frames", "2",
                "--scale", "1", "-o", alone.toString());
        assertEquals(0, gen.exit(), gen.err());
        assertArrayEquals(Files.readAllBytes(alone), Files.readAllBytes(out.resolve("heart.gif")), "the same bytes");
        assertEquals("42", manifest(out).get(0).get("seed"), "the row's own seed");
    }

    @Test
    void jsonlRowsCarryTheirOwnOptionsAndBadOnesAreSkippedWithTheReason() throws Exception {
        Files.copy(Path.of(System.getProperty("strom.home"), "docs", "modes", "still.png"), dir.resolve("still.png"));
        Files.writeString(dir.resolve("broken.png"), "not a picture");
        Path rows = dir.resolve("rows.jsonl");
        Files.writeString(rows, String.join("\n",
                "{\"prompt\": \"a red apple moving left on a blue background\", \"seed\": 3, \"cfg\": 2.5, \"name\": \"apple\"}",
                "",
                "{\"prompt\": \"a red apple moving right on a green background\", \"image\": \"still.png\", \"frames\": 3}",
                "{\"prompt\": \"a red apple moving left on a blue background\", \"colour\": \"red\"}",
                "{\"prompt\": \"a red apple moving left on a blue background\", \"image\": \"broken.png\"}",
                "{\"prompt\": \"a cat walking on a beach\", \"strict\": true}",
                "{\"prompt\": \"\"}",
                "not json",
                "{\"prompt\": \"a yellow star spinning on a black background\", \"sampler\": \"sequential\", \"no_denoise\": true}",
                ""));
        Path out = dir.resolve("out");
        Cli r = Cli.run("batch", rows.toString(), "--out", out.toString(), "--frames", "2", "--scale", "1", "--no-provenance");
        assertEquals(1, r.exit(), r.err());
        Map<Integer, Map<String, String>> m = new HashMap<>();
        manifest(out).forEach(e -> m.put(Integer.parseInt(e.get("row")), e));
        assertEquals(8, m.size(), "blank lines are no rows: " + m);
        assertEquals("done", m.get(1).get("status"));
        assertEquals("apple.mp4", m.get(1).get("file"));
        assertEquals("3", m.get(1).get("seed"));
        assertEquals("", m.get(1).get("watermark_clip_id"), "no watermark with --no-provenance");
        assertEquals("done", m.get(2).get("status"), m.get(2).toString());
        assertEquals("done", m.get(8).get("status"), m.get(8).toString());
        assertEquals("skipped", m.get(3).get("status"));
        assertTrue(m.get(3).get("error").startsWith("unknown option 'colour' (known: prompt, seed,"), m.get(3).get("error"));
        assertTrue(m.get(4).get("error").startsWith("cannot read the still broken.png"), m.get(4).get("error"));
        assertEquals("the model never saw the words cat, walking, beach (--strict)", m.get(5).get("error"));
        assertEquals("prompt must not be empty", m.get(6).get("error"));
        assertTrue(m.get(7).get("error").startsWith("not a JSON object"), m.get(7).get("error"));
    }

    @Test
    void badInputToTheCommandItselfExitsTwoWithOneLine() throws Exception {
        Path out = dir.resolve("out");
        Cli missing = Cli.run("batch", dir.resolve("none.csv").toString(), "--template", TEMPLATE, "--out", out.toString());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.errorLines().startsWith("strom: error: no such file: "), missing.err());
        Path rows = csv(2, 0);
        Cli column = Cli.run("batch", rows.toString(), "--template", "a {colour} {shape}", "--out", out.toString());
        assertEquals(2, column.exit());
        assertEquals("strom: error: --template names {shape}, which is not a column of rows.csv "
                + "(columns: colour, object, direction, background)\n", column.errorLines());
        Cli brace = Cli.run("batch", rows.toString(), "--template", "a {colour {object}", "--out", out.toString());
        assertEquals(2, brace.exit());
        assertTrue(brace.errorLines().startsWith("strom: error: --template has an unpaired brace"), brace.err());
        Cli noPrompt = Cli.run("batch", rows.toString(), "--out", out.toString());
        assertEquals(2, noPrompt.exit());
        assertTrue(noPrompt.errorLines().contains("needs a prompt column"), noPrompt.err());
        assertTrue(Files.notExists(out), "nothing made");
    }

    @Test
    void aBatchKilledMidRunResumesWithoutRedoingFinishedRowsOrLeavingPartialFiles() throws Exception {
        Path rows = csv(6, 0);
        Path out = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // no --seed: the rerun must find the seed the first run drew
        Process p = new ProcessBuilder(List.of(java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-Dstrom.home=" + System.getProperty("strom.home"), "-Dstrom.signing.dir=" + System.getProperty("strom.signing.dir"),
                "-cp", System.getProperty("java.class.path"), StromCommand.class.getName(), "batch", rows.toString(),
                "--template", TEMPLATE, "--out", out.toString(), "--frames", "2", "--scale", "1"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (videos(out).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<Path> first = videos(out);
        assertTrue(!first.isEmpty() && first.size() < 6, "killed after the first file and before the last: " + first
                + "\n" + Files.readString(dir.resolve("first.log")));
        Map<Path, FileTime> times = new HashMap<>();
        Map<Path, byte[]> bytes = new HashMap<>();
        for (Path f : first) {
            times.put(f, Files.getLastModifiedTime(f));
            bytes.put(f, Files.readAllBytes(f));
        }

        Cli again = Cli.run("batch", rows.toString(), "--template", TEMPLATE, "--out", out.toString(), "--frames", "2", "--scale", "1");
        assertEquals(0, again.exit(), again.err());
        List<Map<String, String>> m = manifest(out);
        assertEquals(6, m.size());
        assertTrue(m.stream().allMatch(e -> e.get("status").equals("done")), m.toString());
        assertEquals(6, videos(out).size());
        for (Path f : first) {
            assertEquals(times.get(f), Files.getLastModifiedTime(f), f + " not made again");
            assertTrue(Arrays.equals(bytes.get(f), Files.readAllBytes(f)), f + " unchanged");
        }
        assertEquals(List.of(), hiddenFiles(out), "the killed run's temporaries are gone");
        assertTrue(again.err().contains("were done by an earlier run"), again.err());
    }

    private static List<Path> videos(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        return visibleFiles(out).stream().filter(f -> f.toString().endsWith(".mp4")).toList();
    }
}
