package dev.strom.cli;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.strom.data.AtomicFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A batch's {@code manifest.csv}: one line per row handled so far, what became of it. It is rewritten whole
 * after every row, under a temporary name and then moved into place, so a batch stopped at any moment (Ctrl-C,
 * SIGKILL, a power cut) leaves the manifest of the rows before, never a cut one, and a rerun can tell which rows
 * are finished.
 */
final class BatchManifest {

    static final List<String> COLUMNS = List.of("row", "prompt", "seed", "file", "status", "error", "bits_per_dim",
            "watermark_clip_id");

    /** What became of a row. */
    enum Status {
        /** the file is made */
        done,
        /** the row was tried and making or writing it failed */
        failed,
        /** the row is bad (empty prompt, missing field, unknown option, unreadable still, refused word): not tried */
        skipped
    }

    /**
     * One row's line. {@code seed} and {@code bitsPerDim} are text so that a line reads back exactly as written.
     *
     * @param file            the file's name in the batch folder; empty when the row got none
     * @param watermarkClipId the 32-bit clip id the watermark carries, 8 hex digits; empty without provenance
     */
    record Entry(int row, String prompt, String seed, String file, Status status, String error, String bitsPerDim,
                 String watermarkClipId) {

        List<String> cells() {
            return List.of(Integer.toString(row), prompt, seed, file, status.name(), error, bitsPerDim, watermarkClipId);
        }
    }

    private final Path path;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();

    private BatchManifest(Path path) {
        this.path = path;
    }

    /** The manifest at {@code path}, as a previous run left it; empty when there is none. */
    static BatchManifest read(Path path) throws IOException {
        BatchManifest m = new BatchManifest(path);
        if (!Files.exists(path)) {
            return m;
        }
        CsvMapper mapper = new CsvMapper();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(reader)) {
            while (it.hasNext()) {
                Map<String, String> r = it.next();
                Entry e = new Entry(Integer.parseInt(r.get("row")), r.get("prompt"), r.get("seed"), r.get("file"),
                        Status.valueOf(r.get("status")), r.get("error"), r.get("bits_per_dim"), r.get("watermark_clip_id"));
                m.entries.put(e.row(), e);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + " is not a manifest strom batch wrote (" + StromCommand.oneLine(e)
                    + "); move it away to start the batch afresh");
        }
        return m;
    }

    Optional<Entry> get(int row) {
        return Optional.ofNullable(entries.get(row));
    }

    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Records a row's outcome and rewrites the file, whole or not at all. */
    void put(Entry e) throws IOException {
        entries.put(e.row(), e);
        write();
    }

    /** Writes the file as it stands (an empty manifest has the header alone). */
    void write() throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder();
        COLUMNS.forEach(schema::addColumn);
        List<List<String>> lines = new ArrayList<>();
        entries.values().forEach(x -> lines.add(x.cells()));
        StringWriter out = new StringWriter();
        new CsvMapper().writer(schema.build().withHeader()).writeValues(out).writeAll(lines).close();
        AtomicFiles.writeString(path, out.toString());
    }
}
