package dev.strom.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/** Bearer API keys, from STROM_API_KEYS (comma-separated). */
public final class ApiKeys {

    public static final String VARIABLE = "STROM_API_KEYS";

    private final List<byte[]> keys;

    private ApiKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    /** Parses the variable's value; an empty or missing list is refused, as it would leave the API open. */
    public static ApiKeys parse(String value) {
        List<byte[]> keys = value == null ? List.of() : Arrays.stream(value.split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(VARIABLE + " must name at least one API key (comma-separated)");
        }
        return new ApiKeys(keys);
    }

    /** Checks an Authorization header; comparisons take the same time whatever the key. */
    public void check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("Missing bearer API key: send 'Authorization: Bearer <key>'.");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, given);
        }
        if (!ok) {
            throw ApiError.unauthorized("Incorrect API key provided.");
        }
    }
}
