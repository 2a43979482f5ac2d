package dev.strom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of a batch, read from a spreadsheet (CSV with a header row, each row filling a prompt template, or a
 * {@code prompt} column) or from JSONL (one complete request per line). A row that cannot be made (an empty
 * prompt, a template field it lacks, an option nobody knows) comes back with its error, so the batch can report
 * it and go on; what makes the whole file unusable (no header, a template naming no column) is thrown.
 */
final class BatchRows {

    /** JSONL keys a row may have: the options of {@code strom generate}, and the file's name. */
    static final Set<String> JSONL_KEYS = new LinkedHashSet<>(List.of("prompt", "seed", "cfg", "temperature", "frames",
            "image", "sampler", "no_denoise", "strict", "name"));

    private static final Pattern FIELD = Pattern.compile("\\{([^{}]*)}");

    private BatchRows() {
    }

    /**
     * A row's own settings where it has them (null: the command line's), or the reason it cannot be made.
     *
     * @param row   1-based: the CSV's row after the header, the JSONL's non-blank line
     * @param image a still for image-to-video, resolved against the rows file's folder
     * @param name  the file name the row asks for (null: one made from the row number and prompt)
     * @param error why the row cannot be made; null for a good row
     */
    record Row(int row, String prompt, Long seed, Float cfg, Float temperature, Integer frames, Path image,
               SamplingOptions.Sampler sampler, Boolean noDenoise, Boolean strict, String name, String error) {

        static Row bad(int row, String prompt, String error) {
            return new Row(row, prompt, null, null, null, null, null, null, null, null, null, error);
        }
    }

    /** Reads a .csv (with {@code template}, or a prompt column) or a .jsonl file (no template). */
    static List<Row> read(Path file, String template) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            if (template != null) {
                throw new IllegalArgumentException("--template is for CSV files: each JSONL line has its own prompt");
            }
            return jsonl(file);
        }
        if (name.endsWith(".csv")) {
            return csv(file, template);
        }
        throw new IllegalArgumentException("rows must be a .csv or a .jsonl file, got " + file.getFileName());
    }

    /** The fields a template names, in order; refused when its braces do not pair up. */
    static List<String> fields(String template) {
        if (template.isBlank()) {
            throw new IllegalArgumentException("--template must not be empty");
        }
        List<String> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(template);
        while (m.find()) {
            String field = m.group(1).strip();
            if (field.isEmpty()) {
                throw new IllegalArgumentException("--template has an empty field {}");
            }
            fields.add(field);
        }
        if (m.replaceAll("").matches("(?s).*[{}].*")) {
            throw new IllegalArgumentException("--template has an unpaired brace: " + template);
        }
        return fields;
    }

    private static List<Row> csv(Path file, String template) throws IOException {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY).enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(reader)) {
            if (!it.hasNext()) {
                throw new IllegalArgumentException(file.getFileName() + " is empty: it needs a header row naming its columns");
            }
            List<String> header = new ArrayList<>();
            for (String h : it.next()) {
                // a spreadsheet's UTF-8 export may begin with a byte order mark
                header.add(h.replace("\uFEFF", "").strip());
            }
            if (new LinkedHashSet<>(header).size() != header.size()) {
                throw new IllegalArgumentException(file.getFileName() + " names a column twice: " + String.join(", ", header));
            }
            List<String> fields = template == null ? List.of("prompt") : fields(template);
            for (String f : fields) {
                if (!header.contains(f)) {
                    throw new IllegalArgumentException((template == null ? "without --template, " + file.getFileName()
                            + " needs a prompt column" : "--template names {" + f + "}, which is not a column of "
                            + file.getFileName()) + " (columns: " + String.join(", ", header) + ")");
                }
            }
            List<Row> rows = new ArrayList<>();
            int n = 0;
            while (it.hasNext()) {
                String[] cells;
                try {
                    cells = it.next();
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file.getFileName() + " is not valid CSV after row " + n + ": "
                            + StromCommand.oneLine(e));
                }
                rows.add(csvRow(++n, header, cells, template));
            }
            return rows;
        }
    }

    private static Row csvRow(int row, List<String> header, String[] cells, String template) {
        String prompt = template == null ? cell(header, cells, "prompt") : template;
        for (String f : template == null ? List.of("prompt") : fields(template)) {
            String value = cell(header, cells, f);
            if (value == null || value.isBlank()) {
                return Row.bad(row, null, "field '" + f + "' is " + (value == null ? "missing from the row" : "empty"));
            }
            if (template != null) {
                prompt = prompt.replaceAll("\\{\\s*" + Pattern.quote(f) + "\\s*}", Matcher.quoteReplacement(value.strip()));
            }
        }
        Long seed = null;
        String seedCell = cell(header, cells, "seed");
        if (seedCell != null && !seedCell.isBlank()) {
            try {
                seed = Long.parseLong(seedCell.strip());
            } catch (NumberFormatException e) {
                return Row.bad(row, prompt, "seed must be a whole number, got '" + seedCell + "'");
            }
        }
        String name = cell(header, cells, "name");
        return new Row(row, prompt.strip(), seed, null, null, null, null, null, null, null,
                name == null || name.isBlank() ? null : name.strip(), null);
    }

    /** The row's cell under {@code column}; null when the header has no such column or the row ends before it. */
    private static String cell(List<String> header, String[] cells, String column) {
        int i = header.indexOf(column);
        return i < 0 || i >= cells.length ? null : cells[i];
    }

    private static List<Row> jsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path folder = file.toAbsolutePath().getParent();
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                n++;
                try {
                    rows.add(jsonRow(n, json.readTree(line), folder));
                } catch (JsonProcessingException e) {
                    rows.add(Row.bad(n, null, "not a JSON object: " + StromCommand.oneLine(e).replaceAll(" at \\[Source.*", "")));
                } catch (IllegalArgumentException e) {
                    rows.add(Row.bad(n, null, e.getMessage()));
                }
            }
        }
        return rows;
    }

    private static Row jsonRow(int row, JsonNode o, Path folder) {
        if (!o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String prompt = o.path("prompt").isTextual() ? o.get("prompt").asText() : null;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!JSONL_KEYS.contains(key)) {
                return Row.bad(row, prompt, "unknown option '" + key + "' (known: " + String.join(", ", JSONL_KEYS) + ")");
            }
        }
        if (o.has("prompt") && !o.get("prompt").isTextual() && !o.get("prompt").isNull()) {
            return Row.bad(row, null, "prompt must be a string");
        }
        if (prompt == null || prompt.isBlank()) {
            return Row.bad(row, prompt, "prompt must not be empty");
        }
        String image = text(o, "image");
        String sampler = text(o, "sampler");
        SamplingOptions.Sampler s = null;
        if (sampler != null) {
            try {
                s = SamplingOptions.Sampler.valueOf(sampler);
            } catch (IllegalArgumentException e) {
                return Row.bad(row, prompt, "sampler must be jacobi or sequential, got '" + sampler + "'");
            }
        }
        try {
            return new Row(row, prompt.strip(), whole(o, "seed"), number(o, "cfg"), number(o, "temperature"),
                    o.has("frames") ? Math.toIntExact(whole(o, "frames")) : null,
                    image == null ? null : folder.resolve(image), s, flag(o, "no_denoise"), flag(o, "strict"),
                    text(o, "name"), null);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Row.bad(row, prompt, e.getMessage());
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return v.asText();
    }

    private static Long whole(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(key + " must be a whole number");
        }
        return v.asLong();
    }

    private static Float number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number");
        }
        return v.floatValue();
    }

    private static Boolean flag(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false");
        }
        return v.asBoolean();
    }
}
