package dev.strom.serve;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Video ids ("video_" and 32 hex digits). The hex part is the durable job's UUID, so a job and its video
 * share one name; ids are checked against the pattern before they touch a path or a query.
 */
public record VideoId(UUID uuid) {

    static final String PREFIX = "video_";
    private static final Pattern FORM = Pattern.compile("video_[0-9a-f]{32}");

    public static VideoId random() {
        return new VideoId(UUID.randomUUID());
    }

    /** Parses an id from a request's path; anything else (path tricks included) is a 404, as for unknown ids. */
    public static VideoId parse(String text) {
        return tryParse(text).orElseThrow(() ->
                ApiError.notFound(text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text));
    }

    /** The id {@code text} spells, or empty when it is no id (for parameters, which are refused with their name). */
    public static Optional<VideoId> tryParse(String text) {
        if (text == null || !FORM.matcher(text).matches()) {
            return Optional.empty();
        }
        String hex = text.substring(PREFIX.length());
        return Optional.of(new VideoId(new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16), 16))));
    }

    @Override
    public String toString() {
        return PREFIX + uuid.toString().replace("-", "");
    }
}
