package dev.strom.serve;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Bearer API keys from STROM_API_KEYS, each giving a project: {@code alice:KEY1,bob:KEY2} gives alice and bob a
 * project each, a plain {@code KEY} belongs to the {@value #DEFAULT_PROJECT} project. Everything a key makes belongs
 * to its project, and no other project's key can see it.
 */
public final class ApiKeys {

    public static final String VARIABLE = "STROM_API_KEYS";
    public static final String DEFAULT_PROJECT = "default";
    private static final String ATTRIBUTE = "strom.project";
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private record Key(byte[] secret, String project) {
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = keys;
    }

    /**
     * Parses the variable's value: comma-separated keys, each {@code project:key} or a plain key. An empty list is
     * refused, as it would leave the API open, and so is a key given twice, which would make its project ambiguous.
     */
    public static ApiKeys parse(String value) {
        List<Key> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : value == null ? new String[0] : value.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            String project = colon < 0 ? DEFAULT_PROJECT : e.substring(0, colon).trim();
            String secret = colon < 0 ? e : e.substring(colon + 1).trim();
            if (!PROJECT.matcher(project).matches()) {
                throw new IllegalArgumentException(VARIABLE + ": a project name is 1-64 letters, digits, '-' or '_', not '" + project + "'");
            }
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(VARIABLE + ": project '" + project + "' has an empty key");
            }
            if (!seen.add(secret)) {
                throw new IllegalArgumentException(VARIABLE + ": a key is listed twice (each key belongs to one project)");
            }
            keys.add(new Key(secret.getBytes(StandardCharsets.UTF_8), project));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(VARIABLE + " must name at least one API key (comma-separated, each KEY or project:KEY)");
        }
        return new ApiKeys(List.copyOf(keys));
    }

    /**
     * Checks an Authorization header and names the key's project. Every listed key is compared, each in time that
     * does not depend on where the bytes differ, so the answer's timing tells nothing about the keys.
     */
    public String check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("Missing bearer API key: send 'Authorization: Bearer <key>'.");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        String project = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.secret(), given)) {
                project = key.project();
            }
        }
        if (project == null) {
            throw ApiError.unauthorized("Incorrect API key provided.");
        }
        return project;
    }

    /** The project of the request's key, as the check before every /v1 route left it. */
    static String project(Context ctx) {
        String project = ctx.attribute(ATTRIBUTE);
        if (project == null) {
            throw new IllegalStateException("no API key was checked for " + ctx.path());
        }
        return project;
    }

    /** Checks the request's key and keeps its project for {@link #project(Context)}. */
    void admit(Context ctx) {
        ctx.attribute(ATTRIBUTE, check(ctx.header("Authorization")));
    }

    /** The projects the keys give, for the start-up line. */
    public Set<String> projects() {
        Set<String> out = new TreeSet<>();
        keys.forEach(k -> out.add(k.project()));
        return out;
    }
}
