package dev.strom.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import org.eclipse.jetty.server.MultiPartFormInputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fields of a POST body, JSON or multipart (the official SDKs send multipart for create and remix),
 * with type checks that name the offending parameter. Unknown parameters are refused, as OpenAI does.
 */
final class RequestForm {

    private final Map<String, JsonNode> values = new HashMap<>();
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> fileNames = new HashMap<>();
    private final ObjectMapper json;

    private RequestForm(ObjectMapper json) {
        this.json = json;
    }

    /**
     * What reading a form takes: the JSON mapper, the bounded body reader, the upload limit, and the folder where
     * parts larger than {@link #IN_MEMORY_PART_BYTES} wait while the body is parsed.
     */
    record Reader(ObjectMapper json, BodyReader bodies, UploadCheck uploads, Path cache) {

        RequestForm read(Context ctx, Set<String> allowed) throws IOException {
            RequestForm form = new RequestForm(json);
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
            if (type.startsWith("multipart/form-data")) {
                form.readMultipart(ctx, allowed, this);
            } else if (type.isEmpty() || type.startsWith("application/json")) {
                form.readJson(bodies.read(ctx, MAX_JSON_BYTES, InputStream::readAllBytes), allowed);
            } else {
                throw new ApiError(415, "invalid_request_error", "unsupported_media_type", null,
                        "Send application/json or multipart/form-data, not '" + ctx.contentType() + "'.");
            }
            return form;
        }
    }

    /** The largest JSON body read. */
    static final long MAX_JSON_BYTES = 1 << 20;
    /** Multipart parts up to this size stay in memory while the body is parsed; larger ones wait on disk. */
    private static final int IN_MEMORY_PART_BYTES = 1 << 20;

    private void readJson(byte[] body, Set<String> allowed) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "The body is not valid JSON.");
        } catch (IOException e) {
            throw ApiError.invalid(null, "The body could not be read.");
        }
        if (!(root instanceof ObjectNode object)) {
            throw ApiError.invalid(null, "The body must be a JSON object.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            known(e.getKey(), allowed);
            if (!e.getValue().isNull()) {
                values.put(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Parses the multipart body from the bounded stream (the uploads plus room for the text fields), so a chunked
     * body is capped like one with a Content-Length; each part must fit the upload limit.
     */
    private void readMultipart(Context ctx, Set<String> allowed, Reader reader) throws IOException {
        long maxUpload = reader.uploads().maxBytes();
        Files.createDirectories(reader.cache());
        reader.bodies().read(ctx, maxUpload + MAX_JSON_BYTES, body -> {
            MultiPartFormInputStream parts = new MultiPartFormInputStream(body, ctx.contentType(),
                    new MultipartConfigElement(reader.cache().toString(), maxUpload, -1, IN_MEMORY_PART_BYTES),
                    reader.cache().toFile());
            try {
                Collection<Part> all;
                try {
                    all = parts.getParts();
                } catch (IOException | RuntimeException e) {
                    if (diskFailure(e)) {
                        throw e; // the server's disk, not the client's body: a server error
                    }
                    String why = e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
                    if (why.toLowerCase(Locale.ROOT).contains("exceed")) {
                        throw ApiError.tooLarge("The upload is larger than " + maxUpload + " bytes.");
                    }
                    // (a body cut short, too large or too slow is named by the body reader instead)
                    throw ApiError.invalid(null, "The multipart body could not be read.");
                }
                for (Part part : all) {
                    addPart(part, allowed, maxUpload);
                }
                return null;
            } finally {
                parts.deleteParts();
            }
        });
    }

    /** A failure writing a large part to the cache folder (missing folder, full disk), as opposed to a bad body. */
    private static boolean diskFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException || ApiError.forFailure(t).status() == 507) {
                return true;
            }
        }
        return false;
    }

    private void addPart(Part part, Set<String> allowed, long maxUpload) throws IOException {
        String name = part.getName();
        known(name, allowed);
        if (values.containsKey(name) || files.containsKey(name)) {
            throw ApiError.invalid(name, "'" + name + "' must be given once.");
        }
        if (part.getSize() > maxUpload) {
            throw ApiError.tooLarge("'" + name + "' is larger than " + maxUpload + " bytes.");
        }
        byte[] content;
        try (InputStream in = part.getInputStream()) {
            content = in.readAllBytes();
        }
        if (part.getSubmittedFileName() != null) {
            files.put(name, content);
            fileNames.put(name, part.getSubmittedFileName());
        } else {
            values.put(name, TextNode.valueOf(new String(content, StandardCharsets.UTF_8)));
        }
    }

    private static void known(String name, Set<String> allowed) {
        if (!allowed.contains(name)) {
            throw new ApiError(400, "invalid_request_error", "unknown_parameter", name.length() > 64 ? name.substring(0, 64) : name,
                    "Unknown parameter: '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'.");
        }
    }

    boolean has(String name) {
        return values.containsKey(name) || files.containsKey(name);
    }

    byte[] file(String name) {
        return files.get(name);
    }

    /** The name the client gave an uploaded file (the Files API keeps it); null when not a file. */
    String fileName(String name) {
        return fileNames.get(name);
    }

    JsonNode raw(String name) {
        return values.get(name);
    }

    String text(String name, int maxChars) {
        JsonNode v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(name, "'" + name + "' must be a string.");
        }
        if (v.asText().length() > maxChars) {
            throw ApiError.invalid(name, "'" + name + "' is longer than " + maxChars + " characters.");
        }
        return v.asText();
    }

    /**
     * A list of strings: a JSON array, or in multipart (one field, one value) that array written as text.
     * Null when absent; every item non-blank and at most {@code maxChars} long.
     */
    List<String> texts(String name, int maxItems, int maxChars) {
        JsonNode v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            try {
                v = json.readTree(v.asText());
            } catch (JsonProcessingException e) {
                v = null;
            }
        }
        String must = "'" + name + "' must be an array of strings";
        if (v == null || !v.isArray()) {
            throw ApiError.invalid(name, must + " (in multipart, the array as JSON text).");
        }
        if (v.size() > maxItems) {
            throw ApiError.invalid(name, "'" + name + "' holds more than " + maxItems + " items.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw ApiError.invalid(name, must + ".");
            }
            if (item.asText().isBlank()) {
                throw ApiError.invalid(name, "'" + name + "' must not hold an empty string.");
            }
            if (item.asText().length() > maxChars) {
                throw ApiError.invalid(name, "An item of '" + name + "' is longer than " + maxChars + " characters.");
            }
            out.add(item.asText());
        }
        return out;
    }

    String requiredText(String name, int maxChars) {
        String s = text(name, maxChars);
        if (s == null) {
            throw ApiError.missing(name);
        }
        if (s.isBlank()) {
            throw ApiError.invalid(name, "'" + name + "' must not be empty.");
        }
        return s;
    }

    /** A whole number given as a JSON number or as text (multipart has only text). */
    Long integer(String name, long min, long max) {
        JsonNode v = values.get(name);
        if (v == null) {
            return null;
        }
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.asLong();
        } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,18}")) {
            n = Long.parseLong(v.asText().trim());
        } else {
            throw ApiError.invalid(name, "'" + name + "' must be a whole number.");
        }
        if (n < min || n > max) {
            throw ApiError.invalid(name, "'" + name + "' must be between " + min + " and " + max + ".");
        }
        return n;
    }

    Double number(String name, double min, double max) {
        JsonNode v = values.get(name);
        if (v == null) {
            return null;
        }
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw ApiError.invalid(name, "'" + name + "' must be a number.");
            }
        } else {
            throw ApiError.invalid(name, "'" + name + "' must be a number.");
        }
        if (!(d >= min && d <= max)) {
            throw ApiError.invalid(name, "'" + name + "' must be between " + min + " and " + max + ".");
        }
        return d;
    }

    /** A yes/no field: a JSON boolean, or "true" / "false" as text (multipart has only text); false when absent. */
    boolean flag(String name) {
        JsonNode v = values.get(name);
        if (v == null) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().trim().equals("true") || v.asText().trim().equals("false"))) {
            return v.asText().trim().equals("true");
        }
        throw ApiError.invalid(name, "'" + name + "' must be true or false.");
    }

    /** seconds: the SDKs send "4"; plain numbers are accepted too. */
    String wholeText(String name) {
        JsonNode v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        return text(name, 16);
    }

    /** A JSON body that came inside another request (a batch's input line), read and checked as a request's body is. */
    static RequestForm fromJson(ObjectMapper json, byte[] body, Set<String> allowed) {
        RequestForm form = new RequestForm(json);
        form.readJson(body, allowed);
        return form;
    }
}
