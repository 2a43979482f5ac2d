package dev.strom.serve;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Ids of files ("file-" and 32 hex digits) and batches ("batch_" and 32 hex digits), as OpenAI spells them. An id is
 * checked against its pattern before it reaches a path or a query; anything else is a 404, as an unknown id is.
 */
enum ObjectIds {
    FILE("file-", "File"), BATCH("batch_", "Batch");

    private final String prefix;
    private final String noun;
    private final Pattern form;

    ObjectIds(String prefix, String noun) {
        this.prefix = prefix;
        this.noun = noun;
        this.form = Pattern.compile(Pattern.quote(prefix) + "[0-9a-f]{32}");
    }

    String random() {
        return prefix + hex(UUID.randomUUID());
    }

    /** The same id every time for the same name: what lets a batch's result files be written again without copies. */
    String derived(String name) {
        return prefix + hex(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
    }

    /** The id from a request, or a 404 naming it (shortened) when it cannot be one. */
    String parse(String text) {
        if (text == null || !form.matcher(text).matches()) {
            throw notFound(text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text);
        }
        return text;
    }

    ApiError notFound(String id) {
        return new ApiError(404, "invalid_request_error", "not_found", null, noun + " with id '" + id + "' not found.");
    }

    static String hex(UUID uuid) {
        return uuid.toString().replace("-", "");
    }
}
