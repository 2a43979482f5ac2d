package dev.strom.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch's input file read line by line. A line is a request {"custom_id", "method": "POST", "url": "/v1/videos",
 * "body": {...}}; a line that is not one is kept with the reason, so it goes to the batch's error file and the other
 * lines still run. Blank lines are passed over.
 */
final class BatchInput {

    /** The most requests one batch takes (OpenAI's is 50,000; a video costs far more than a chat reply). */
    static final int MAX_REQUESTS = 1000;
    static final int MAX_LINE_CHARS = 16_000;
    static final int MAX_CUSTOM_ID_CHARS = 512;

    /** One line: a request to run (body set) or one refused as it stands (error set); {@code line} counts from 1. */
    record Request(int line, String customId, String body, String errorCode, String errorMessage) {

        boolean valid() {
            return errorCode == null;
        }
    }

    private BatchInput() {
    }

    /** The non-blank lines of a file. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }

    /** Reads every non-blank line as a request to {@code url}. */
    static List<Request> parse(ObjectMapper json, String text, String url) {
        List<Request> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                out.add(request(json, i + 1, lines[i].strip(), url, seen));
            }
        }
        return out;
    }

    private static Request request(ObjectMapper json, int line, String text, String url, Set<String> seen) {
        if (text.length() > MAX_LINE_CHARS) {
            return refused(line, null, "Line " + line + " is longer than " + MAX_LINE_CHARS + " characters.");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            return refused(line, null, "Line " + line + " is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            return refused(line, null, "Line " + line + " must be a JSON object.");
        }
        JsonNode id = node.get("custom_id");
        String customId = id != null && id.isTextual() ? id.asText() : null;
        if (customId == null || customId.isEmpty()) {
            return refused(line, null, "Line " + line + " needs a 'custom_id' string.");
        }
        if (customId.length() > MAX_CUSTOM_ID_CHARS) {
            return refused(line, null, "Line " + line + ": 'custom_id' is longer than " + MAX_CUSTOM_ID_CHARS + " characters.");
        }
        if (!seen.add(customId)) {
            return new Request(line, customId, null, "duplicate_custom_id",
                    "Line " + line + ": custom_id '" + customId + "' is already used by an earlier line; each must be unique.");
        }
        for (var field : (Iterable<String>) node::fieldNames) {
            if (!Set.of("custom_id", "method", "url", "body").contains(field)) {
                return refused(line, customId, "Line " + line + " has an unknown field '" + shorten(field) + "'.");
            }
        }
        if (!"POST".equals(node.path("method").asText(null))) {
            return refused(line, customId, "Line " + line + ": 'method' must be \"POST\".");
        }
        if (!url.equals(node.path("url").asText(null))) {
            return refused(line, customId, "Line " + line + ": 'url' must be \"" + url + "\", the batch's endpoint.");
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            return refused(line, customId, "Line " + line + ": 'body' must be a JSON object (the request's parameters).");
        }
        return new Request(line, customId, body.toString(), null, null);
    }

    private static Request refused(int line, String customId, String message) {
        return new Request(line, customId, null, "invalid_request", message);
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
