package dev.strom.footage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The captions of a folder's media, from {@code captions.csv} (rows of file,caption; a header row is allowed),
 * {@code captions.jsonl} (lines of {"file": ..., "caption": ...}) or a {@code .txt} beside each file
 * ({@code clip.mp4} → {@code clip.txt}). Files are named relative to the folder with '/'.
 */
public final class FolderCaptions {

    static final String CSV = "captions.csv";
    static final String JSONL = "captions.jsonl";

    private final Path folder;
    private final Map<String, String> table;

    private FolderCaptions(Path folder, Map<String, String> table) {
        this.folder = folder;
        this.table = table;
    }

    public static FolderCaptions read(Path folder) throws IOException {
        Map<String, String> table = new HashMap<>();
        Path csv = folder.resolve(CSV);
        if (Files.isRegularFile(csv)) {
            CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
            try (MappingIterator<String[]> rows = mapper.readerFor(String[].class).readValues(csv.toFile())) {
                List<String[]> all = rows.readAll();
                for (int i = 0; i < all.size(); i++) {
                    String[] row = all.get(i);
                    if (row.length == 0 || row[0].isBlank() || (i == 0 && row[0].trim().equalsIgnoreCase("file"))) {
                        continue;
                    }
                    table.put(normalise(row[0]), row.length > 1 ? row[1] : "");
                }
            } catch (RuntimeException e) {
                throw new IOException(csv + " is not CSV of file,caption rows: " + e.getMessage(), e);
            }
        }
        Path jsonl = folder.resolve(JSONL);
        if (Files.isRegularFile(jsonl)) {
            ObjectMapper json = new ObjectMapper();
            List<String> lines = Files.readAllLines(jsonl);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = json.readTree(lines.get(i));
                } catch (IOException e) {
                    throw new IOException(jsonl + " line " + (i + 1) + " is not JSON");
                }
                if (n == null || !n.path("file").isTextual()) {
                    throw new IOException(jsonl + " line " + (i + 1) + " has no \"file\"");
                }
                table.put(normalise(n.get("file").asText()), n.path("caption").asText(""));
            }
        }
        return new FolderCaptions(folder, table);
    }

    /** The caption of a file (relative name), or null when it has none. */
    public String of(String file) throws IOException {
        String c = table.get(file);
        if (c != null) {
            return c.trim();
        }
        int dot = file.lastIndexOf('.');
        Path txt = folder.resolve((dot > 0 ? file.substring(0, dot) : file) + ".txt");
        return Files.isRegularFile(txt) ? Files.readString(txt).trim() : null;
    }

    private static String normalise(String file) {
        String f = file.trim().replace('\\', '/');
        return f.startsWith("./") ? f.substring(2) : f;
    }
}
